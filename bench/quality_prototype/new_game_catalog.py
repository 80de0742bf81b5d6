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


def catalog_rows():
    """Returns {appid: catalog.csv's row}."""
    with open(os.path.join(data_dir(), "catalog.csv")) as f:
        return {int(row["appid"]): row for row in csv.DictReader(f)}


def catalog_keys(appids):
    """Returns {kind: [set of keys per game]} for developer, publisher and series."""
    rows = catalog_rows()

    FORMS = {"inc", "llc", "ltd", "co", "corp", "limited", "gmbh", "pty ltd", "s.a", "srl", "s.r.l"}

    # As the server compares them (src/core/training_set.cpp): a company form after a comma
    # ("PopCap Games, Inc.") is part of the name before it; runs of spaces are one.
    def names(text):
        out = []
        for n in (text or "").split(","):
            n = re.sub(r"[ \t]+", " ", n.lower()).strip()
            if not n:
                continue
            if out and n.rstrip(".") in FORMS:
                out[-1] += ", " + n
            else:
                out.append(n)
        return set(out)

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


def capped(w, count=50):
    """Returns w with each row's count largest positive entries kept (as a stored row keeps them)."""
    w = np.where(w > 0, w, 0)
    if w.shape[1] > count:
        w = np.where(w >= -np.sort(-w, axis=1)[:, count - 1][:, None], w, 0)
    return w


def floor_and_lent(x, t, new):
    """Returns (the floor's scores, the owned games' indexes, X over them, the lent weights owned game
    x new game): lent through the tag neighbours plus the ridge shares, times the tag popularity."""
    owners = np.asarray(x.sum(0)).ravel()
    tag_plays = ((t > 0) * owners[:, None]).sum(0)
    tag_popularity = ((t[new] > 0) * tag_plays[None, :]).sum(1)
    by_tags = tag_popularity / tag_popularity.max()
    warm = np.flatnonzero(owners > 0)
    xw = np.asarray(x[:, warm].toarray(), dtype=np.float64)
    b = ease_weights(ease_inverse((x.T @ x).toarray().astype(np.float64), LAMBDA))
    ridge_shares = ridge_map(t[warm], 3) @ t[new].T
    ridge_shares /= ridge_shares.sum(0).mean()
    lent = (b[np.ix_(warm, warm)] @ (lending(t, new, owners)[warm] + ridge_shares)) * by_tags[None, :]
    return np.tile(tag_popularity, (x.shape[0], 1)), warm, xw, lent


def candidates(x, t, new, appids):
    """Yields (label, scores over the new games): the floor, the default, then the catalog's variants."""
    floor, warm, xw, lent = floor_and_lent(x, t, new)
    yield "floor", floor
    default = xw @ lent
    yield REFERENCE, default
    base = per_player_max(default)
    keys = catalog_keys(appids)
    shared = {kind: sharing(keys[kind], new)[warm] for kind in keys}  # owned game x new game, 0/1
    counts = {kind: xw @ s for kind, s in shared.items()}
    sizes = np.maximum(xw.sum(1), 1)[:, None]
    shares = {kind: c / sizes for kind, c in counts.items()}
    for kind in ("developer", "publisher", "series"):
        for beta in (0.3, 1, 3):
            yield f"default + {beta} x {kind} share", base + beta * shares[kind]
    for beta in (10, 30):
        yield f"default + {beta} x series share", base + beta * shares["series"]
    every = shares["developer"] + shares["publisher"] + shares["series"]
    for beta in (0.3, 1, 3, 10):
        yield f"default + {beta} x (developer + publisher + series shares)", base + beta * every
    for beta in (1, 3):
        yield (f"default + {beta} x log(1 + developer + publisher + series counts)",
               base + beta * np.log1p(counts["developer"] + counts["publisher"] + counts["series"]))
    studios = shares["developer"] + shares["publisher"]
    for a, c in ((1, 30), (3, 30), (10, 30), (1, 100), (3, 100), (3, 300)):
        yield f"default + {a} x (developer + publisher shares) + {c} x series share", base + a * studios + c * shares["series"]
    # Buildable as neighbour lists: each owned game lends alike to every player, on the scale of
    # the lent weights (the median over owned games of the largest weight they lend a new game).
    scale = np.median(lent.max(1))
    for a, c in ((0.3, 3), (1, 10), (3, 30), (10, 100)):
        lends = scale * (a * (shared["developer"] + shared["publisher"]) + c * shared["series"])
        yield f"default + weight scale x ({a} per studio kind, {c} series)", default + xw @ lends
        if (a, c) == (3, 30):
            yield "the same, each owned game's new games capped at 50", xw @ capped(lent + lends)


def main():
    measure(sys.argv[1] == "val", map(int, sys.argv[2:]), candidates, REFERENCE)


if __name__ == "__main__":
    main()
