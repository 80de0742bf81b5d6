#!/usr/bin/python3
"""evaluate()'s split of the real data, in numpy, for trying ranking ideas before building them.

The one copy of the split every script in this folder uses.  Reads the Steam CSV
files (tools/load_steam_data.sh's input), applies the same filter as
core/evaluation.cpp (players and games with at least 5, repeated until both hold)
and the same seeded shuffles (std::mt19937, draws taken modulo the bound), so a
seed gives the very games evaluate() holds out.  Also the one list-quality
metric (core/ranking_metrics.cpp's Recall@k and NDCG@k) and the one EASE solve.

Run as a script it checks that seed 42 keeps 3,726 players, 2,627 games and
88,237 training pairs, as docs/quality.md says.  The data directory is
$STEAM_REC_DATA, by default ../shared/data/steam from the repository root (as
tools/demo.sh).
"""
import csv
import os
import random
from collections import defaultdict

import numpy as np
import scipy.sparse as sp

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENGAGED_HOURS = 2.0  # Evaluation::kEngagedHours
K = 20  # the lists' length evaluate() measures
GAINS = 1 / np.log2(np.arange(2, K + 2))


def data_dir():
    """Returns $STEAM_REC_DATA, or ../shared/data/steam from the repository root."""
    return os.environ.get("STEAM_REC_DATA") or os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "steam"))


def mt19937(seed):
    """Returns a generator whose getrandbits(32) gives std::mt19937(seed)'s sequence."""
    state = [seed & 0xFFFFFFFF]
    for i in range(1, 624):
        state.append((1812433253 * (state[-1] ^ (state[-1] >> 30)) + i) & 0xFFFFFFFF)
    generator = random.Random()
    generator.setstate((3, tuple(state) + (624,), None))
    return generator


def shuffle(items, generator):
    """Shuffles in place by evaluation.cpp's Fisher-Yates (draw % (i + 1))."""
    for i in range(len(items) - 1, 0, -1):
        j = generator.getrandbits(32) % (i + 1)
        items[i], items[j] = items[j], items[i]


def held_count(n, share):
    """Returns how many of n items are held out: round(share * n), at least 1, never all."""
    if n < 2 or share <= 0:
        return 0
    return max(1, min(int(np.floor(share * n + 0.5)), n - 1))


def load(path=None):
    """Returns {(player, appid): hours} and {appid: [(tag, position)]}, in the files' order, from
    path (data_dir() when None)."""
    path = path or data_dir()
    plays = {}
    with open(os.path.join(path, "user_games.csv")) as f:
        for row in csv.DictReader(f):
            plays[(int(row["steam_id"]), int(row["appid"]))] = float(row["playtime_hours"] or 0)
    tags = defaultdict(list)
    with open(os.path.join(path, "game_tags.csv")) as f:
        for row in csv.DictReader(f):
            tags[int(row["appid"])].append((row["tag_name"], int(row["position"])))
    return plays, tags


def kept_pairs(plays, min_games=5):
    """Returns the (player, appid) pairs left by the min_games filter."""
    pairs = set(plays)
    while True:
        owners, library = defaultdict(int), defaultdict(int)
        for player, appid in pairs:
            owners[appid] += 1
            library[player] += 1
        kept = {(p, a) for p, a in pairs if owners[a] >= min_games and library[p] >= min_games}
        if len(kept) == len(pairs):
            return kept
        pairs = kept


def split_players(pairs, seed, validation, holdout=0.2, inner_holdout=None):
    """Returns [(player, training appids, held-out appids)] in player order, as target 'owned'/'engaged'.
    With validation the held-out games are drawn again from the training part, inner_holdout of it
    (holdout when None)."""
    first, second = mt19937(seed), mt19937(seed ^ 0x9E3779B9)
    games_of = defaultdict(list)
    for player, appid in pairs:
        games_of[player].append(appid)
    players = []
    for player in sorted(games_of):
        games = sorted(games_of[player])
        shuffle(games, first)
        held = held_count(len(games), holdout)
        test, train = games[:held], games[held:]
        if validation:
            shuffle(train, second)
            held = held_count(len(train), holdout if inner_holdout is None else inner_holdout)
            test, train = train[:held], train[held:]
        players.append((player, train, test))
    return players


def split_games(pairs, seed, validation, share=0.1):
    """Returns (held-out games, games set aside by validation, every game), as target 'new_games'."""
    universe = sorted({appid for _, appid in pairs})
    games = list(universe)
    shuffle(games, mt19937(seed))
    held = held_count(len(games), share)
    new, dropped = games[:held], []
    if validation:
        dropped, games = new, games[held:]
        shuffle(games, mt19937(seed ^ 0x9E3779B9))
        held = held_count(len(games), share)
        new = games[:held]
    return sorted(new), set(dropped), universe


def player_matrices(plays, pairs, seed, validation):
    """Returns the training matrix X (players x games, 0/1), its hours H, and per player the held-out
    game indexes for 'owned' and for 'engaged'."""
    players = split_players(pairs, seed, validation)
    index = {a: i for i, a in enumerate(sorted({a for _, a in pairs}))}
    rows, cols, hours, owned, engaged = [], [], [], [], []
    for u, (player, train, test) in enumerate(players):
        for appid in train:
            rows.append(u)
            cols.append(index[appid])
            hours.append(plays[(player, appid)])
        owned.append([index[a] for a in test])
        engaged.append([index[a] for a in test if plays[(player, a)] >= ENGAGED_HOURS])
    shape = (len(players), len(index))
    x = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape)
    h = sp.csr_matrix((np.array(hours, np.float32), (rows, cols)), shape)
    return x, h, owned, engaged


def ranked_top(scores, k=K, exclude=None, ties="column"):
    """Returns each row's k best columns, best first; `exclude` (sparse) marks entries not ranked.
    Equal scores go to the lower column (as a stable sort of the whole row), or with ties
    "partition" as numpy's argpartition leaves them across the k-th place (an order of its own
    making, kept because engaged_candidates.py's published numbers were measured with it)."""
    if exclude is not None:
        scores = np.array(scores, copy=True)
        r, c = exclude.nonzero()
        scores[r, c] = -np.inf
    if ties == "partition":
        top = np.argpartition(-scores, k, axis=1)[:, :k]
        return np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, 1), axis=1, kind="stable"), 1)
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    kth = np.take_along_axis(scores, part, 1).min(1)
    top = np.empty((scores.shape[0], k), dtype=np.int64)
    for u in range(scores.shape[0]):
        columns = np.flatnonzero(scores[u] >= kth[u])
        top[u] = columns[np.argsort(-scores[u, columns], kind="stable")[:k]]
    return top


def list_quality(ranked, relevant, k=K):
    """Returns Recall@k and NDCG@k of one ranked list against a non-empty collection of relevant
    items (binary gains, ideal over min(k, relevant)), as core/ranking_metrics.cpp."""
    hits = np.isin(np.asarray(ranked)[:k], np.fromiter(relevant, dtype=np.int64))
    m = min(k, len(relevant))
    return hits.sum() / m, (hits * GAINS[:len(hits)]).sum() / GAINS[:m].sum()


def mean_quality(top, relevant, k=K):
    """Returns list_quality's means over the players with a relevant item; top[u] is player u's
    ranked list (ranked_top), relevant[u] their relevant items."""
    recall, ndcg = [], []
    for u, items in enumerate(relevant):
        if len(items):
            r, n = list_quality(top[u], items, k)
            recall.append(r)
            ndcg.append(n)
    return float(np.mean(recall)), float(np.mean(ndcg))


def ease_inverse(gram, lam):
    """Returns (G + lam I)^-1 in doubles."""
    g = np.array(gram, dtype=np.float64)
    g[np.diag_indices_from(g)] += lam
    return np.linalg.inv(g)


def ease_weights(inverse):
    """Returns EASE's weights from the inverse: -P / diag(P), zero diagonal."""
    b = -inverse / np.diag(inverse)
    b[np.diag_indices_from(b)] = 0
    return b


def main():
    """Checks that seed 42 splits as evaluate() does (the counts docs/quality.md gives)."""
    plays, _ = load()
    pairs = kept_pairs(plays)
    x, _, _, engaged = player_matrices(plays, pairs, 42, False)
    counts = (x.shape[0], x.shape[1], x.nnz, sum(1 for games in engaged if games))
    print("players %d, games %d, training pairs %d, players with an engaged held-out game %d" % counts)
    assert counts == (3726, 2627, 88237, 2297), "the split differs from evaluate()'s"


if __name__ == "__main__":
    main()
