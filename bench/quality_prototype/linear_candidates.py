#!/usr/bin/python3
"""Closed-form item-item models against EASE on evaluate()'s split (target 'owned').

Candidates from the literature for small implicit data, each an item-item weight
matrix kept to its 100 largest weights by size per game, as the core stores EASE:

- EDLAE (Steck 2020): EASE's solve with the dropout-emphasised regularisation
  lambda I + p/(1-p) diag(G), zero diagonal; DLAE the same without the
  constraint (B = I - P Lambda); RDLAE (Moon et al. 2023) the diagonal held
  at most xi, between the two.
- EASE on a degree-normalised Gram D^-a G D^-a (scores taken back by D^b), and
  on a Gram with each player weighted by library^-c.
- GF-CF (Shen et al. 2021): the normalised item-item filter R~'R~ plus the ideal
  low-pass filter from the top k eigenvectors of R~'R~, blended into EASE as
  the core's blend_neighbors does (each matrix by its mean weight size).
- EASE on an hours-weighted Gram; numpy's itemknn and RP3beta blended in (mix3).

The families "second" and "third" are the later rounds, around the earlier
rounds' best on validation (docs/quality.md, "Closed-form variants of EASE").

Usage: linear_candidates.py val|test SEED... [--names FILE] [--only PREFIX...]; prints one line per
candidate and seed (Recall@20, NDCG@20), for bench/quality_prototype/summarise.py.
Run with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 to take one core.
"""
import os
import pickle
import sys
import tempfile

import numpy as np

from eval_split import K, kept_pairs, load, mean_quality, player_matrices
from models import itemknn, keep_largest, rp3beta

KEEP = 100  # the weights the core keeps per game (EASE's default neighbors)


def emphasised_inverse(gram, lam, p):
    """Returns (G + lam I + p/(1-p) diag(G))^-1 and the diagonal added."""
    extra = lam + (p / (1 - p)) * np.diag(gram)
    g = gram.copy()
    g[np.diag_indices_from(g)] += extra
    return np.linalg.inv(g), extra


def zero_diagonal_weights(inverse):
    """Returns -P / diag(P) with a zero diagonal (EASE's and EDLAE's weights)."""
    b = -inverse / np.diag(inverse)
    b[np.diag_indices_from(b)] = 0
    return b


def dlae_weights(inverse, extra):
    """Returns DLAE's I - P Lambda; its diagonal only scores owned games, so it is zeroed."""
    b = -inverse * extra[None, :]
    b[np.diag_indices_from(b)] = 0
    return b


def relaxed_weights(inverse, extra, xi):
    """Returns RDLAE's weights (Moon et al. 2023): diag(B) <= xi, between EDLAE (xi 0) and DLAE (xi 1):
    column j scaled by max(Lambda_jj, (1 - xi) / P_jj), the diagonal zeroed."""
    b = -inverse * np.maximum(extra, (1 - xi) / np.diag(inverse))[None, :]
    b[np.diag_indices_from(b)] = 0
    return b


def blend(a, b, w):
    """Returns (1-w) a / mean|a| + w b / mean|b| over the non-zero weights, as core/neighbor_blend.cpp."""
    def size(m):
        nz = m[m != 0]
        return np.abs(nz).mean() if nz.size else 1.0
    return (1 - w) * a / size(a) + w * b / size(b)


def fast_top(scores, exclude):
    """Returns each row's K best columns, best first, equal scores to the lower column (as
    eval_split.ranked_top, vectorised: every column tied with the K-th place is kept in the sort)."""
    scores = np.array(scores, copy=True)
    r, c = exclude.nonzero()
    scores[r, c] = -np.inf
    kth = -np.partition(-scores, K - 1, axis=1)[:, K - 1]
    top = np.empty((scores.shape[0], K), dtype=np.int64)
    for u in np.flatnonzero((scores == kth[:, None]).sum(1) > 1):
        columns = np.flatnonzero(scores[u] >= kth[u])
        top[u] = columns[np.argsort(-scores[u, columns], kind="stable")[:K]]
    rest = np.flatnonzero((scores == kth[:, None]).sum(1) <= 1)
    part = np.argpartition(-scores[rest], K - 1, axis=1)[:, :K]
    order = np.argsort(-np.take_along_axis(scores[rest], part, 1), axis=1, kind="stable")
    top[rest] = np.take_along_axis(part, order, 1)
    return top


def measure(x, weights, relevant):
    """Returns (Recall@20, NDCG@20) of the scores X W, owned games excluded."""
    scores = np.asarray(x @ weights)
    return mean_quality(fast_top(scores, x), relevant)


def candidates(x, only, hours=None):
    """Yields (name, weights) for every candidate on the training matrix x."""
    gram = (x.T @ x).toarray().astype(np.float64)
    counts = np.diag(gram).copy()
    mean_count = counts.mean()
    want = lambda name: not only or any(name.startswith(o) for o in only)

    base = None
    grid = [(l, p) for l in (5, 20, 50) for p in (0.1, 0.25, 0.4, 0.55, 0.7)] if want("edlae") or want("dlae") else []
    for lam, p in [(50, 0)] + grid:
        inverse, extra = emphasised_inverse(gram, lam, p)
        if p == 0:
            base = keep_largest(zero_diagonal_weights(inverse), KEEP)
            yield "ease lam50", base
            continue
        if want("edlae"):
            yield "edlae lam%g p%g" % (lam, p), keep_largest(zero_diagonal_weights(inverse), KEEP)
        if want("dlae"):
            yield "dlae lam%g p%g" % (lam, p), keep_largest(dlae_weights(inverse, extra), KEEP)

    if want("rdlae"):
        for lam, p in ((20, 0.55), (50, 0.4), (20, 0.4)):
            inverse, extra = emphasised_inverse(gram, lam, p)
            for xi in (0.1, 0.2, 0.35, 0.5):
                yield "rdlae lam%g p%g xi%g" % (lam, p, xi), keep_largest(relaxed_weights(inverse, extra, xi), KEEP)

    if want("second"):
        # the second round, around the first round's best on validation seed 1
        for lam in (100, 200):
            yield "ease lam%g" % lam, keep_largest(zero_diagonal_weights(emphasised_inverse(gram, lam, 0)[0]), KEEP)
        best = None
        for lam, p in ((50, 0.4), (50, 0.55), (100, 0.4), (100, 0.55)):
            inverse, extra = emphasised_inverse(gram, lam, p)
            for xi in (0.2, 0.35, 0.5):
                w = keep_largest(relaxed_weights(inverse, extra, xi), KEEP)
                if (lam, p, xi) == (50, 0.4, 0.35):
                    best = w
                yield "rdlae lam%g p%g xi%g" % (lam, p, xi), w
        scale = np.maximum(counts, 1) ** -0.25
        g = gram * scale[:, None] * scale[None, :]
        for rel in (10, 20):
            w = zero_diagonal_weights(np.linalg.inv(g + rel * np.diag(g).mean() * np.eye(len(g))))
            for b in (0, 0.25):
                full = scale[:, None] * w * (np.maximum(counts, 1) ** b)[None, :]
                yield "norm a0.25 b%g rel%g" % (b, rel), keep_largest(full, KEEP)
        library = np.asarray(x.sum(1)).ravel()
        du, di = np.maximum(library, 1) ** -0.5, np.maximum(counts, 1) ** -0.5
        norm = (x.multiply(du[:, None]).T @ x.multiply(du[:, None])).toarray() * di[:, None] * di[None, :]
        v = np.linalg.eigh(norm)[1][:, -64:]
        filt = norm + 0.3 * (di[:, None] * v) @ (v.T / di[None, :])
        np.fill_diagonal(filt, 0)
        filt = keep_largest(filt, KEEP)
        for w in (0.1, 0.25):
            yield "gfcf k64 a0.3 blend%g" % w, blend(base, filt, w)
            yield "combo rdlae lam50 p0.4 xi0.35 + gfcf k64 a0.3 blend%g" % w, blend(best, filt, w)

    if want("third"):
        # the third round: RDLAE on the degree-normalised Gram (a 0.25), alone and with GF-CF
        library = np.asarray(x.sum(1)).ravel()
        du, di = np.maximum(library, 1) ** -0.5, np.maximum(counts, 1) ** -0.5
        norm = (x.multiply(du[:, None]).T @ x.multiply(du[:, None])).toarray() * di[:, None] * di[None, :]
        v = np.linalg.eigh(norm)[1][:, -64:]
        filt = norm + 0.3 * (di[:, None] * v) @ (v.T / di[None, :])
        np.fill_diagonal(filt, 0)
        filt = keep_largest(filt, KEEP)
        scale = np.maximum(counts, 1) ** -0.25
        g = gram * scale[:, None] * scale[None, :]
        for rel in (1.5, 5):
            inverse, extra = emphasised_inverse(g, rel * np.diag(g).mean(), 0.4)
            w = keep_largest(scale[:, None] * relaxed_weights(inverse, extra, 0.35), KEEP)
            yield "nrdlae a0.25 rel%g p0.4 xi0.35" % rel, w
            yield "combo nrdlae a0.25 rel%g p0.4 xi0.35 + gfcf k64 a0.3 blend0.1" % rel, blend(w, filt, 0.1)

    if want("mix3"):
        knn, rp3 = itemknn(x), rp3beta(x)
        inverse, extra = emphasised_inverse(gram, 20, 0.4)
        bases = [("ease", base), ("dlae lam20 p0.4", keep_largest(dlae_weights(inverse, extra), KEEP))]
        inverse, extra = emphasised_inverse(gram, 20, 0.55)
        bases.append(("edlae lam20 p0.55", keep_largest(zero_diagonal_weights(inverse), KEEP)))
        for label, b in bases:
            for wk, wr in ((0.4, 0.3), (0.2, 0.2)):
                yield "mix3 %s knn%g rp3%g" % (label, wk, wr), blend(blend(b, knn, wk), rp3, wr)

    if want("hours") and hours is not None:
        # the Gram of X weighted by 1 + beta log(1 + hours); players are still scored on plain X
        for beta in (0.25, 0.5):
            weighted = x.multiply(hours.log1p().multiply(beta).toarray() + 1).tocsr()
            g = (weighted.T @ weighted).toarray()
            lam = 50 * np.diag(g).mean() / mean_count
            yield "hours beta%g" % beta, keep_largest(zero_diagonal_weights(np.linalg.inv(g + lam * np.eye(len(g)))), KEEP)

    if want("norm"):
        for a in (0.25, 0.5):
            scale = np.maximum(counts, 1) ** -a
            g = gram * scale[:, None] * scale[None, :]
            for rel in (0.3, 1.5, 5):
                lam = rel * np.diag(g).mean()
                w = zero_diagonal_weights(np.linalg.inv(g + lam * np.eye(len(g))))
                for b in (0, a):
                    # scores X D^-a W D^b: the weight of i on j is scale_i W_ij / scale_j^(b/a)
                    full = scale[:, None] * w * (np.maximum(counts, 1) ** b)[None, :]
                    yield "norm a%g b%g rel%g" % (a, b, rel), keep_largest(full, KEEP)

    if want("user"):
        library = np.asarray(x.sum(1)).ravel()
        for c in (0.25, 0.5, 1.0):
            weighted = x.multiply((np.maximum(library, 1) ** -c)[:, None]).tocsr()
            g = (weighted.T @ x).toarray()
            for rel in (0.5, 1.5, 5):
                lam = rel * np.diag(g).mean()
                w = zero_diagonal_weights(np.linalg.inv(g + lam * np.eye(len(g))))
                yield "user c%g rel%g" % (c, rel), keep_largest(w, KEEP)

    if want("gfcf"):
        library = np.asarray(x.sum(1)).ravel()
        du = np.maximum(library, 1) ** -0.5
        di = np.maximum(counts, 1) ** -0.5
        norm = (x.multiply(du[:, None]).T @ x.multiply(du[:, None])).toarray() * di[:, None] * di[None, :]
        values, vectors = np.linalg.eigh(norm)
        for k in (64, 256):
            v = vectors[:, -k:]
            ideal = (di[:, None] * v) @ (v.T / di[None, :])
            for alpha in (0, 0.3, 1):
                filt = norm + alpha * ideal
                np.fill_diagonal(filt, 0)
                filt = keep_largest(filt, KEEP)
                if k == 256 and alpha == 0:
                    continue
                yield "gfcf k%d a%g alone" % (k, alpha), filt
                for w in (0.1, 0.25, 0.4):
                    yield "gfcf k%d a%g blend%g" % (k, alpha, w), blend(base, filt, w)


def fold(seed, validation):
    """Returns the training matrix, each player's held-out games and the training hours, kept in a cache file
    ($STEAM_REC_FOLD_CACHE or the temporary directory) named by split and seed."""
    folder = os.environ.get("STEAM_REC_FOLD_CACHE") or os.path.join(tempfile.gettempdir(), "steam_rec_linear_folds")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "%s_%d_h.pickle" % ("val" if validation else "test", seed))
    if not os.path.exists(path):
        plays, _ = load()
        x, h, owned, _ = player_matrices(plays, kept_pairs(plays), seed, validation)
        with open(path, "wb") as f:
            pickle.dump((x.astype(np.float64), owned, h), f)
    with open(path, "rb") as f:
        return pickle.load(f)


def main():
    """Prints each candidate's quality on each seed of the chosen split."""
    split, rest = sys.argv[1], sys.argv[2:]
    names = None
    if "--names" in rest:
        # a file of candidate names, one a line: only those are measured (their family is given by --only)
        at = rest.index("--names")
        names = {line.strip() for line in open(rest[at + 1]) if line.strip()}
        rest = rest[:at] + rest[at + 2:]
    only = rest[rest.index("--only") + 1:] if "--only" in rest else []
    seeds = [int(s) for s in (rest[:rest.index("--only")] if "--only" in rest else rest)]
    for seed in seeds:
        x, owned, hours = fold(seed, split == "val")
        for name, weights in candidates(x, only, hours):
            if names is not None and name not in names:
                continue
            r, n = measure(x, weights, owned)
            print("%s\t%d\t%s\t%.4f\t%.4f" % (split, seed, name, r, n), flush=True)


if __name__ == "__main__":
    main()
