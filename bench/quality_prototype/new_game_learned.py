#!/usr/bin/python3
"""Learned maps from tags to collaborative behaviour for ranking new games (target 'new_games').

new_game_candidates.py lends a new game the EASE weights of its nearest owned games by raw tag
cosine.  Here the map from tags to behaviour is fitted on the owned ("warm") games instead, by
ridge regression in closed form, and every new game gets a score:

- "EASE columns from tags": each warm game's EASE column (its weights from every warm game)
  regressed on its tags, W = B F (F'F + mu I)^-1; a new game's predicted column is W f, so
  player u scores it x_u W f;
- "tag-output EASE": M minimising ||X - X M F'||^2 + lam ||M||^2 (an EASE whose output side is
  the tag space), solved through the eigenvectors of X'X and F'F; score x_u M f;
- "popularity from tags": log(1 + owners) of the warm games regressed on their tags (and a
  constant); exp of the prediction is a per-game prior, used alone, as a factor (^e) on a
  personal score, or added (weight g) to the personal score's z-score over the new games;
- blends with the default's order ("lent x tag popularity"), each part over the player's largest.

F is the games' TF-IDF tag vectors (train_content.cpp's, each of length 1) or their 0/1 tags.
One line per candidate and seed, then docs/quality.md's table rows (ratios to the default).

    bench/quality_prototype/new_game_learned.py val|test SEED... [--only PREFIX...]
    bench/quality_prototype/new_game_learned.py val SEED... --ceiling
"""
import csv
import os
import sys

import numpy as np

from eval_split import data_dir, ease_inverse, ease_weights, mean_quality, ranked_top
from new_game_candidates import LAMBDA, folds, lending, measure, per_player_max

DEFAULT = "lent x tag popularity (default)"


def ridge_map(f, mu):
    """Returns F (F'F + mu I)^-1: the ridge solution's right factor, games x tags."""
    return f @ np.linalg.inv(f.T @ f + mu * np.eye(f.shape[1]))


def tag_output_ease(gram, f, lams):
    """Yields (lam, M) minimising ||X - X M F'||^2 + lam ||M||^2 for each lam, where gram = X'X.
    The normal equations G M F'F + lam M = G F separate in the eigenbases of G and F'F."""
    gl, gu = np.linalg.eigh(gram)
    sl, sv = np.linalg.eigh(f.T @ f)
    gl, sl = np.maximum(gl, 0), np.maximum(sl, 0)
    right = gl[:, None] * (gu.T @ f @ sv)
    for lam in lams:
        yield lam, gu @ (right / (gl[:, None] * sl[None, :] + lam)) @ sv.T


def catalog_features(appids):
    """Returns each game's release year, log(1 + price) and free flag from catalog.csv, standardised
    (a missing year at the mean)."""
    rows = {}
    with open(os.path.join(data_dir(), "catalog.csv")) as f:
        for row in csv.DictReader(f):
            year = row["release_date"][:4]
            rows[int(row["appid"])] = (float(year) if year.isdigit() else np.nan,
                                       np.log1p(float(row["price_cents"] or 0)), float(row["is_free"] == "true"))
    c = np.array([rows.get(a, (np.nan, 0.0, 0.0)) for a in appids])
    c[np.isnan(c[:, 0]), 0] = np.nanmean(c[:, 0])
    return standardised(c)


def standardised(c):
    """Returns the columns of c with mean 0 and sd 1."""
    return (c - c.mean(0)) / np.maximum(c.std(0), 1e-12)


def popularity_from(design, owners, warm, new, mu):
    """Returns exp of log(1 + owners) of the warm games regressed on their rows of design (and a
    constant), predicted for the new games, over the largest."""
    design = np.hstack([design, np.ones((design.shape[0], 1))])
    penalty = mu * np.eye(design.shape[1])
    penalty[-1, -1] = 0  # the constant is not shrunk
    w = design[warm]
    coef = np.linalg.solve(w.T @ w + penalty, w.T @ np.log1p(owners[warm]))
    pred = design[new] @ coef
    return np.exp(pred - pred.max())


def zscore(scores):
    """Returns each player's scores as z-scores over the new games."""
    return (scores - scores.mean(1, keepdims=True)) / np.maximum(scores.std(1, keepdims=True), 1e-12)


def candidates(x, t, new, appids, only=()):
    """Yields (label, scores over the new games) for each idea; the floor and the default first."""
    owners = np.asarray(x.sum(0)).ravel()
    tag_plays = ((t > 0) * owners[:, None]).sum(0)
    tag_popularity_all = ((t > 0) * tag_plays[None, :]).sum(1)  # the floor's score, every game
    tag_popularity = tag_popularity_all[new]
    yield "floor", np.tile(tag_popularity, (x.shape[0], 1))
    by_tags = tag_popularity / tag_popularity.max()
    gram = (x.T @ x).toarray().astype(np.float64)
    b = ease_weights(ease_inverse(gram, LAMBDA))
    lent = np.asarray(x @ (b @ lending(t, new, owners)))
    default = lent * by_tags[None, :]
    yield DEFAULT, default
    warm = np.flatnonzero(owners > 0)
    xw = np.asarray(x[:, warm].toarray(), dtype=np.float64)
    binary = (t > 0).astype(np.float64)

    def wanted(label):
        return not only or any(label.startswith(p) for p in only)

    size = standardised(np.column_stack([np.log1p(binary.sum(1)), np.log1p(tag_popularity_all)]))
    designs = {"tags": binary, "tags, size": np.hstack([binary, size]),
               "tags, size, catalog": np.hstack([binary, size, catalog_features(appids)]),
               "tags, size, catalog, appid": np.hstack([binary, size, catalog_features(appids),
                                                        standardised(np.log(np.array(appids, float))[:, None])])}
    priors = {}
    for name, design in designs.items():
        for mu in (30, 300):
            label = f"popularity from {name} (mu {mu})"
            priors[label] = popularity_from(design, owners, warm, new, mu)
            if wanted(label):
                yield label, np.tile(priors[label], (x.shape[0], 1))
                for e in (0.5, 1, 2):
                    yield f"lent x {label}^{e}", lent * priors[label][None, :] ** e
                for e in (0.25, 0.5, 1):
                    yield f"default x {label}^{e}", default * priors[label][None, :] ** e

    def personal_variants(label, personal):
        """Yields the personal score alone, times the tag popularity, blended with the default, and
        that blend times a learned popularity."""
        if wanted(label):
            yield label, personal
            yield f"{label} x tag popularity", personal * by_tags[None, :]
        for beta in (0.5, 1, 2):
            blend = per_player_max(default) + beta * per_player_max(personal * by_tags[None, :])
            tagged = f"default + {beta} {label} x tag popularity"
            if wanted(tagged):
                yield tagged, blend
            for name in ("popularity from tags, size (mu 30)", "popularity from tags, size, catalog, appid (mu 30)"):
                for e in (0.5, 1):
                    tagged = f"(default + {beta} {label} x tag popularity) x {name}^{e}"
                    if wanted(tagged):
                        yield tagged, blend * priors[name][None, :] ** e

    bw = b[np.ix_(warm, warm)]
    for kind, f in (("tfidf", t), ("binary", binary)):
        for mu in (0.3, 3, 10, 30):
            yield from personal_variants(f"EASE columns from tags ({kind}, mu {mu})",
                                         xw @ (bw @ ridge_map(f[warm], mu)) @ f[new].T)
    knn_shares = lending(t, new, owners)[warm]
    for mu in (3, 10):
        # Buildable at training as a neighbour list: one lending matrix for every player, the tag
        # neighbours' shares plus c x the ridge shares (scaled to the same mean column sum, 1).
        ridge_shares = ridge_map(t[warm], mu) @ t[new].T
        ridge_shares /= ridge_shares.sum(0).mean()
        for c in (0.25, 0.5, 1, 2):
            label = f"lent through tag neighbours + {c} x ridge shares (tfidf, mu {mu}), x tag popularity"
            if wanted(label):
                yield label, xw @ (bw @ (knn_shares + c * ridge_shares)) * by_tags[None, :]
    for lam, m in tag_output_ease(gram[np.ix_(warm, warm)], t[warm], (30, 300, 3000, 10000, 30000)):
        yield from personal_variants(f"tag-output EASE (tfidf, lam {lam})", xw @ m @ t[new].T)


def ceiling(validation, seeds):
    """A diagnostic that reads the held-out owners (so it never chooses a candidate): how far a perfect
    popularity prior would take the default, the true owner count of each new game in place of, or on
    top of, its tag popularity."""
    for seed, x, t, new, relevant, _ in folds(validation, seeds):
        owners = np.asarray(x.sum(0)).ravel()
        tag_plays = ((t > 0) * owners[:, None]).sum(0)
        by_tags = ((t[new] > 0) * tag_plays[None, :]).sum(1)
        floor, _ = mean_quality(ranked_top(np.tile(by_tags, (x.shape[0], 1))), relevant)
        lent = np.asarray(x @ (ease_weights(ease_inverse((x.T @ x).toarray(), LAMBDA)) @ lending(t, new, owners)))
        true = np.bincount(np.concatenate([np.asarray(r, dtype=np.int64) for r in relevant]), minlength=len(new))
        true = true / true.max()
        for label, scores in (("true owners", np.tile(true, (x.shape[0], 1))),
                              ("lent x true owners", lent * true[None, :]),
                              ("lent x true owners^0.5", lent * np.sqrt(true)[None, :]),
                              ("lent x tag popularity x true owners^0.5", lent * (by_tags * np.sqrt(true))[None, :])):
            recall, ndcg = mean_quality(ranked_top(scores), relevant)
            print(f"seed {seed} | {label} | {recall:.4f} / {ndcg:.4f} | x floor {recall / floor:.3f}", flush=True)


def main():
    args = sys.argv[1:]
    if "--ceiling" in args:
        ceiling(args[0] == "val", [int(s) for s in args[1:] if s != "--ceiling"])
        return
    only = args[args.index("--only") + 1:] if "--only" in args else []
    seeds = [int(s) for s in (args[1:args.index("--only")] if "--only" in args else args[1:])]
    measure(args[0] == "val", seeds, lambda x, t, new, appids: candidates(x, t, new, appids, only), DEFAULT)


if __name__ == "__main__":
    main()
