#!/usr/bin/python3
"""Catalog facts for ranking new games (target 'new_games'): the developer, the publisher and the
series (the name's stem) the new game shares with the player's own games.

A game nobody owns has tags and catalog facts only.  Its tags are what the default uses
(lent weights through the tag neighbours plus the ridge shares, times the tag popularity:
`tag_ridge_weight` 1, new_game_learned.py); this measures what the player's own games by the
same developer or publisher, or of the same series ("Half-Life 2: Episode One" and
"Half-Life" share the stem "half-life"), add to it.  Each such count is taken over the
player's training games, as a share of them, and blended into the default as
per-player-max(default) + beta x share (the default alone ranks the games the share leaves at 0).

    bench/quality_prototype/new_game_catalog.py val|test SEED...

The data directory is $STEAM_REC_DATA (eval_split.py).
"""
import csv
import os
import re
import sys

import numpy as np

from eval_split import data_dir, ease_inverse, ease_weights
from new_game_candidates import folds, lending, measure, per_player_max
from new_game_learned import LAMBDA, ridge_map

REFERENCE = "default (tag neighbours + ridge shares, x tag popularity)"
BETAS = [float(b) for b in os.environ.get("BETAS", "0.3 1 3").split()]
SERIES_WEIGHTS = [float(b) for b in os.environ.get("SERIES_WEIGHTS", "").split()]
ROMAN = {"ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"}


def series_stem(name):
    """Returns the name's series: lower case, before a colon or dash, without a trailing number,
    roman numeral or year ('' when nothing of three letters or more is left)."""
    stem = re.split(r"[:\u2013\u2014]| - ", name.lower())[0]
    words = re.findall(r"[a-z0-9'&.+-]+", stem)
    while words and (words[-1].isdigit() or words[-1] in ROMAN):
        words.pop()
    stem = " ".join(words)
    return stem if len(stem) >= 3 else ""


def catalog_keys(appids):
    """Returns {kind: [set of keys per game]} for developer, publisher and series."""
    rows = {}
    with open(os.path.join(data_dir(), "catalog.csv")) as f:
        for row in csv.DictReader(f):
            rows[int(row["appid"])] = row

    def names(text):
        return {n.strip().lower() for n in (text or "").split(",") if n.strip()}

    keys = {"developer": [], "publisher": [], "series": []}
    for a in appids:
        row = rows.get(a, {})
        keys["developer"].append(names(row.get("developer")))
        keys["publisher"].append(names(row.get("publisher")))
        stem = series_stem(row.get("name") or "")
        keys["series"].append({stem} if stem else set())
    return keys


def sharing(key_sets, new):
    """Returns S (every game x new games): 1 where the game shares a key with the new game."""
    index = {}
    for g, ks in enumerate(key_sets):
        for k in ks:
            index.setdefault(k, []).append(g)
    s = np.zeros((len(key_sets), len(new)), np.float32)
    for j, n in enumerate(new):
        for k in key_sets[n]:
            s[index[k], j] = 1
    s[new, :] = 0  # held-out games are nobody's in training
    return s


def candidates(x, t, new, appids):
    owners = np.asarray(x.sum(0)).ravel()
    tag_plays = ((t > 0) * owners[:, None]).sum(0)
    tag_popularity = ((t[new] > 0) * tag_plays[None, :]).sum(1)
    yield "floor", np.tile(tag_popularity, (x.shape[0], 1))
    by_tags = tag_popularity / tag_popularity.max()
    warm = np.flatnonzero(owners > 0)
    xw = np.asarray(x[:, warm].toarray(), dtype=np.float64)
    b = ease_weights(ease_inverse((x.T @ x).toarray().astype(np.float64), LAMBDA))
    bw = b[np.ix_(warm, warm)]
    ridge_shares = ridge_map(t[warm], 3) @ t[new].T
    ridge_shares /= ridge_shares.sum(0).mean()
    lent_weights = (bw @ (lending(t, new, owners)[warm] + ridge_shares)) * by_tags[None, :]
    default = xw @ lent_weights
    yield REFERENCE, default
    base = per_player_max(default)
    sizes = np.maximum(np.asarray(x.sum(1)).ravel(), 1)[:, None]
    keys = catalog_keys(appids)
    shares = {kind: np.asarray(x @ sharing(keys[kind], new)) / sizes for kind in keys}
    shares["developer or publisher"] = np.maximum(shares["developer"], shares["publisher"])
    shares["any of the three"] = np.maximum(shares["developer or publisher"], shares["series"])
    only = os.environ.get("ONLY")
    for kind, share in shares.items():
        if only and kind not in only.split(","):
            continue
        for beta in BETAS:
            yield f"default + {beta} x {kind} share", base + beta * share
    counts = {kind: np.asarray(x @ sharing(keys[kind], new)) for kind in ("developer", "publisher", "series")}
    combined = shares["developer"] + shares["publisher"] + shares["series"]
    for beta in BETAS:
        yield f"default + {beta} x (developer + publisher + series shares)", base + beta * combined
    for w in SERIES_WEIGHTS:
        weighted = shares["developer"] + shares["publisher"] + w * shares["series"]
        for beta in BETAS:
            yield f"default + {beta} x (developer + publisher + {w} series shares)", base + beta * weighted
    for pair in os.environ.get("GRID", "").split():
        a, c = (float(v) for v in pair.split(","))
        yield (f"default + {a} x (developer + publisher shares) + {c} x series share",
               base + a * (shares["developer"] + shares["publisher"]) + c * shares["series"])
    # The same as weights every player's games lend alike (buildable as neighbour lists): counts,
    # not shares, on the default's own scale (its largest over the size, the median player's).
    counts_sum = {k: np.asarray(x @ sharing(keys[k], new)) for k in ("developer", "publisher", "series")}
    scale = np.median(np.abs(default).max(1) / sizes.ravel())
    for pair in os.environ.get("STATIC", "").split():
        a, c = (float(v) for v in pair.split(","))
        yield (f"default + scale x ({a} x (developer + publisher counts) + {c} x series count)",
               default + scale * (a * (counts_sum["developer"] + counts_sum["publisher"]) + c * counts_sum["series"]))
    # The scale from the weights alone: each owned game's largest lent weight, the median game's.
    weight_scale = np.median(lent_weights.max(1))
    for pair in os.environ.get("STATIC2", "").split():
        a, c = (float(v) for v in pair.split(","))
        yield (f"default + weight scale x ({a} x (developer + publisher counts) + {c} x series count)",
               default + weight_scale * (a * (counts_sum["developer"] + counts_sum["publisher"]) + c * counts_sum["series"]))
    def capped(w, count=50):
        """Keeps each row's count largest positive entries."""
        w = np.where(w > 0, w, 0)
        if w.shape[1] > count:
            cut = -np.sort(-w, axis=1)[:, count - 1][:, None]
            w = np.where(w >= cut, w, 0)
        return w

    if os.environ.get("CAPPED"):
        yield "default, rows capped at 50", xw @ capped(lent_weights)
        for pair in os.environ.get("STATIC2", "").split():
            a, c = (float(v) for v in pair.split(","))
            w = lent_weights + weight_scale * (a * (sharing(keys["developer"], new)[warm] + sharing(keys["publisher"], new)[warm])
                                               + c * sharing(keys["series"], new)[warm])
            yield f"capped default + weight scale x ({a}, {c})", xw @ capped(w)
    any_count = np.maximum(np.maximum(counts["developer"], counts["publisher"]), counts["series"])
    for beta in BETAS:
        yield f"default + {beta} x log(1 + any of the three count)", base + beta * np.log1p(any_count)
        yield f"default + {beta} x (any of the three count > 0)", base + beta * (any_count > 0)
        both = np.log1p(counts["developer"] + counts["publisher"] + counts["series"])
        yield f"default + {beta} x log(1 + developer + publisher + series counts)", base + beta * both

def main():
    measure(sys.argv[1] == "val", map(int, sys.argv[2:]), candidates, REFERENCE)


if __name__ == "__main__":
    main()
