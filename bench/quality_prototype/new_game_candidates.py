#!/usr/bin/python3
"""Ideas for ranking new games (target 'new_games'), tried on evaluate()'s split before building any.

Each player who owns a held-out game ranks all held-out games; the lines give
Recall@20 / NDCG@20 and the recall over the floor, popularity by tags (each
tag's training plays summed over a game's tags, evaluate_tag_popularity()).
"lent" reproduces the default hybrid's order for new games: EASE's weights lent
to a new game by its 50 owned games of largest tag cosine (new_game_neighbors.cpp),
times the tag popularity over the largest (tag_popularity_exponent 1).  The
others score EVERY new game, not only those in some owned game's lists.

    bench/quality_prototype/new_game_candidates.py val|test SEED...

The data directory is $STEAM_REC_DATA (eval_split.py).
"""
import sys
from collections import defaultdict

import numpy as np
import scipy.sparse as sp

from eval_split import ease_inverse, ease_weights, kept_pairs, load, mean_quality, ranked_top, split_games

LAMBDA = 50
NEIGHBORS = 50


def tag_vectors(games, tags):
    """Returns the games' TF-IDF tag vectors as train_content.cpp builds them, each of length 1."""
    names, rows, cols, values = {}, [], [], []
    for i, appid in enumerate(games):
        for tag, position in tags.get(appid, []):
            rows.append(i)
            cols.append(names.setdefault(tag, len(names)))
            values.append(1 / np.log2(1 + (position if position > 0 else 10)))
    t = sp.csr_matrix((values, (rows, cols)), (len(games), len(names))).toarray()
    tagged = (t.sum(1) > 0).sum()
    t *= (np.log((1 + tagged) / (1 + (t > 0).sum(0))) + 1)[None, :]
    return t / np.maximum(np.linalg.norm(t, axis=1, keepdims=True), 1e-12)


def per_player_max(scores):
    """Returns the scores over each player's largest."""
    return scores / np.maximum(np.abs(scores).max(1, keepdims=True), 1e-12)


def lending(t, new, owners):
    """Returns each owned game's share in each new game's lent weights (every game x new games):
    the new game's NEIGHBORS owned games of largest tag cosine, weighted by it, summing to 1."""
    lenders = t @ t[new].T
    lenders[owners == 0] = 0
    lenders[lenders < -np.sort(-lenders, axis=0)[NEIGHBORS - 1][None, :]] = 0
    return lenders / np.maximum(lenders.sum(0, keepdims=True), 1e-12)


def candidates(x, t, new, appids=None):
    """Yields (label, scores over the new games) for each idea (appids unused)."""
    owners = np.asarray(x.sum(0)).ravel()
    tag_plays = ((t > 0) * owners[:, None]).sum(0)
    tag_popularity = ((t[new] > 0) * tag_plays[None, :]).sum(1)
    yield "floor", np.tile(tag_popularity, (x.shape[0], 1))
    by_tags = tag_popularity / tag_popularity.max()
    lenders = lending(t, new, owners)
    lent = np.asarray(x @ (ease_weights(ease_inverse((x.T @ x).toarray(), LAMBDA)) @ lenders))
    yield "lent x tag popularity (default)", lent * by_tags[None, :]
    profile = np.asarray(x @ t)
    profile /= np.maximum(np.linalg.norm(profile, axis=1, keepdims=True), 1e-12)
    liking = profile @ t[new].T  # the player's tag profile against every new game
    yield "tag profile x tag popularity", liking * by_tags[None, :]
    for beta in (0.3, 1, 3):
        yield f"lent + {beta} tag profile, x tag popularity", per_player_max(lent * by_tags) + beta * liking * by_tags
    for beta in (0.1, 0.3):  # the floor's own order blended in
        yield f"lent x tag popularity + {beta} tag popularity", per_player_max(lent * by_tags) + beta * by_tags
    neighbours_owners = owners @ lenders  # owners of the tag neighbours: popularity predicted from tags
    neighbours_owners /= neighbours_owners.max()
    for e in (0.25, 0.5, 1):
        yield f"lent x neighbours' owners^{e}", lent * neighbours_owners[None, :] ** e
        yield f"lent x tag popularity x neighbours' owners^{e}", lent * by_tags * neighbours_owners[None, :] ** e
    yield ("lent x neighbours' owners^0.5 + tag profile x tag popularity",
           per_player_max(lent * neighbours_owners[None, :] ** 0.5) + liking * by_tags)


def folds(validation, seeds):
    """Yields (seed, X, tag vectors, new game indexes, relevant, appids) per seed: X players x games
    (0/1, the held-out games' columns empty), relevant[u] player u's held-out games as indexes into
    new, appids the games' (X's columns')."""
    plays, tags = load()
    pairs = kept_pairs(plays)
    for seed in seeds:
        new, dropped, universe = split_games(pairs, seed, validation)
        games = [a for a in universe if a not in dropped]
        index = {a: i for i, a in enumerate(games)}
        new_index = {a: i for i, a in enumerate(new)}
        games_of = defaultdict(list)
        for player, appid in pairs:
            if appid not in dropped:
                games_of[player].append(appid)
        rows, cols, relevant = [], [], []
        for u, player in enumerate(sorted(games_of)):
            relevant.append([new_index[a] for a in games_of[player] if a in new_index])
            for appid in games_of[player]:
                if appid not in new_index:
                    rows.append(u)
                    cols.append(index[appid])
        x = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), (len(games_of), len(games)))
        yield seed, x, tag_vectors(games, tags), np.array([index[a] for a in new]), relevant, games


def measure(validation, seeds, candidates_of, reference=None):
    """Prints each candidate's Recall@20 / NDCG@20 per seed and their means over the seeds;
    candidates_of(x, t, new, appids) yields (label, scores over the new games), the floor first.  With a
    reference label, the means are docs/quality.md's table rows, with the ratios to it paired by seed."""
    results = defaultdict(list)
    for seed, x, t, new, relevant, games in folds(validation, seeds):
        floor = None
        for label, scores in candidates_of(x, t, new, games):
            recall, ndcg = mean_quality(ranked_top(scores), relevant)
            floor = floor or recall
            results[label].append((recall, ndcg, recall / floor))
            print(f"seed {seed} | {label} | {recall:.4f} / {ndcg:.4f} | x floor {recall / floor:.3f}", flush=True)
    for label, rows in results.items():
        r = np.array(rows)
        if reference is None:
            print(f"mean | {label} | {r[:, 0].mean():.4f} +- {r[:, 0].std(ddof=1):.4f} / {r[:, 1].mean():.4f} | "
                  f"x floor {r[:, 2].mean():.3f} (min {r[:, 2].min():.3f})")
            continue
        ratio = r[:, :2] / np.array(results[reference])[:, :2]
        print(f"| {label} | {r[:, 0].mean():.4f} ± {r[:, 0].std(ddof=1):.4f} / {r[:, 1].mean():.4f} ± "
              f"{r[:, 1].std(ddof=1):.4f} | {r[:, 2].mean():.3f}, {r[:, 2].min():.3f} | " +
              " / ".join(f"{q.mean():.3f} ± {q.std(ddof=1):.3f} ({(q > 1 + 1e-9).sum()})" for q in ratio.T) + " |")


def main():
    measure(sys.argv[1] == "val", map(int, sys.argv[2:]), candidates)


if __name__ == "__main__":
    main()
