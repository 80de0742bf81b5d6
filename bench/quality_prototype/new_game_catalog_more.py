#!/usr/bin/python3
"""More catalog facts for ranking new games (target 'new_games'): the release date, the price and
the words of the name, on top of what the default already lends (new_game_catalog.py).

The default is the one the core builds: each owned game lends to each new game the weights lent
through the tag neighbours plus the ridge shares, times the tag popularity, plus scale x (3 per
studio kind shared + 30 if the series is shared).  Every candidate here stays buildable as
neighbour-list entries: a factor on an owned game's lent weight to a new game, or one more
lending kind, from facts of the two games alone.

- release-date proximity: the lent weights times exp(-|years apart| / tau) (1 when a date is
  missing), on every lent weight or on the tag part only;
- price: the lent weights times (1 + f) when both games are free, or times exp(-|log price
  ratio| / sigma) (prices plus one dollar; 1 when a price is missing);
- name words: scale x w x the cosine of the two names' IDF-weighted word sets (IDF over the whole
  catalog; numbers, roman numerals and words of one letter left out), a fourth lending kind.

    bench/quality_prototype/new_game_catalog_more.py val|test SEED... [--reference LABEL] [--only PREFIX...]

The data directory is $STEAM_REC_DATA (eval_split.py).  Its last lines are docs/quality.md's
table rows, paired against the default.
"""
import re
import sys
from collections import Counter

import numpy as np

from new_game_candidates import measure
from new_game_catalog import capped, catalog_keys, catalog_rows, floor_and_lent, sharing

REFERENCE = "default (tags, ridge, studios 3, series 30)"
# As src/core/series_stem.cpp lists them.
NUMERALS = {"ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv", "xvi", "xvii",
            "xviii", "xix", "xx"}


def release_years(appids, rows):
    """Returns each game's release date in years (NaN when unknown)."""
    years = np.full(len(appids), np.nan)
    for i, a in enumerate(appids):
        date = rows.get(a, {}).get("release_date") or ""
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", date)
        if m:
            years[i] = int(m[1]) + (int(m[2]) - 1) / 12 + (int(m[3]) - 1) / 365
    return years


def prices(appids, rows):
    """Returns (price in dollars, NaN when unknown; 1 where free, 0 where not, NaN when unknown)."""
    price = np.full(len(appids), np.nan)
    free = np.full(len(appids), np.nan)
    for i, a in enumerate(appids):
        row = rows.get(a, {})
        if row.get("is_free") in ("true", "false"):
            free[i] = row["is_free"] == "true"
        if (row.get("price_cents") or "").isdigit():
            price[i] = int(row["price_cents"]) / 100
    return price, free


def name_words(name):
    """Returns the set of a name's words: runs of ASCII letters, digits and ', in lower case; no number,
    roman numeral or single character."""
    words = re.findall(r"[a-z0-9']+", re.sub(r"[A-Z]", lambda m: m[0].lower(), name or ""))
    return {w for w in words if len(w) > 1 and not w.isdigit() and w not in NUMERALS}


def name_cosines(appids, rows, warm, new):
    """Returns the cosine of the owned games' and the new games' IDF-weighted name word sets."""
    catalog = Counter(w for row in rows.values() for w in name_words(row.get("name")))
    idf = {w: np.log(len(rows) / c) for w, c in catalog.items()}
    vocabulary = {w: i for i, w in enumerate(idf)}

    def vectors(games):
        v = np.zeros((len(games), len(vocabulary)))
        for r, g in enumerate(games):
            for w in name_words(rows.get(appids[g], {}).get("name")):
                v[r, vocabulary[w]] = idf[w]
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    return vectors(warm) @ vectors(new).T


def candidates(x, t, new, appids, only=()):
    """Yields (label, scores over the new games): the floor, the default, then the variants."""
    floor, warm, xw, lent = floor_and_lent(x, t, new)
    yield "floor", floor
    rows = catalog_rows()
    keys = catalog_keys(appids)
    shared = {kind: sharing(keys[kind], new)[warm] for kind in keys}
    scale = np.median(lent.max(1))
    lends = scale * (3 * (shared["developer"] + shared["publisher"]) + 30 * shared["series"])
    default = lent + lends
    yield REFERENCE, xw @ default

    def wanted(label):
        return not only or any(label.startswith(p) for p in only)

    years = release_years(appids, rows)
    apart = np.abs(years[warm][:, None] - years[new][None, :])
    for tau in (1, 2, 4, 8, 16):
        near = np.where(np.isnan(apart), 1, np.exp(-np.nan_to_num(apart) / tau))
        label = f"date: every lent weight x exp(-years apart / {tau})"
        if wanted(label):
            yield label, xw @ (default * near)
        label = f"date: tag part x exp(-years apart / {tau})"
        if wanted(label):
            yield label, xw @ (lent * near + lends)
    for tau in (2, 4):  # the newer new game favoured over the older one, at the same distance
        after = np.where(np.isnan(apart), 1, np.exp(-np.nan_to_num(years[new][None, :] - years[warm][:, None]).clip(0) / tau))
        label = f"date: every lent weight x exp(-years later / {tau})"
        if wanted(label):
            yield label, xw @ (default * after)

    price, free = prices(appids, rows)
    both_free = np.nan_to_num(free[warm][:, None] * free[new][None, :])
    for f in (0.5, 1, 3):
        label = f"price: every lent weight x (1 + {f} both free)"
        if wanted(label):
            yield label, xw @ (default * (1 + f * both_free))
    for a in (1, 3):
        label = f"price: + weight scale x {a} both free"
        if wanted(label):
            yield label, xw @ (default + scale * a * both_free)
    ratio = np.abs(np.log((price[warm][:, None] + 1) / (price[new][None, :] + 1)))
    for sigma in (0.5, 1, 2):
        label = f"price: every lent weight x exp(-|log price ratio| / {sigma})"
        if wanted(label):
            yield label, xw @ (default * np.where(np.isnan(ratio), 1, np.exp(-np.nan_to_num(ratio) / sigma)))

    cosines = name_cosines(appids, rows, warm, new)
    for w in (1, 3, 5, 10, 15, 20, 30, 100, 300):
        label = f"name words: + weight scale x {w} x cosine"
        if wanted(label):
            yield label, xw @ (default + scale * w * cosines)
    for w in (5, 10, 15, 20, 30, 100):
        label = f"name words: the same at {w}, each owned game's new games capped at 50"
        if wanted(label):
            yield label, xw @ capped(default + scale * w * cosines)
    near = np.where(np.isnan(apart), 1, np.exp(-np.nan_to_num(apart) / 8))
    label = "name words 10 and date: every lent weight x exp(-years apart / 8)"
    if wanted(label):
        yield label, xw @ ((default + scale * 10 * cosines) * near)
    built = default + scale * 15 * cosines
    for tau in (4, 8, 16, 32):
        near = np.where(np.isnan(apart), 1, np.exp(-np.nan_to_num(apart) / tau))
        label = f"name words 15, capped at 50, and date: every lent weight x exp(-years apart / {tau})"
        if wanted(label):
            yield label, xw @ capped(built * near)
    label = "name words 10 and price: every lent weight x (1 + 1 both free)"
    if wanted(label):
        yield label, xw @ ((default + scale * 10 * cosines) * (1 + both_free))
    label = "default, each owned game's new games capped at 50"
    if wanted(label):
        yield label, xw @ capped(default)


def main():
    args = sys.argv[1:]
    reference = REFERENCE
    if "--reference" in args:  # the label the ratios are paired against
        at = args.index("--reference")
        reference = args[at + 1]
        del args[at:at + 2]
    only = args[args.index("--only") + 1:] if "--only" in args else []
    seeds = args[1:args.index("--only")] if "--only" in args else args[1:]
    measure(args[0] == "val", map(int, seeds), lambda x, t, new, appids: candidates(x, t, new, appids, only),
            reference)


if __name__ == "__main__":
    main()
