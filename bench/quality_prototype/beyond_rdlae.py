#!/usr/bin/python3
"""What might come after RDLAE, on evaluate()'s split: higher-order EASE, blends.

RDLAE (lambda 50, dropout 0.4, diagonal relaxation 0.35; linear_candidates.py) is the base.

- `hoe m M lc L rR` (Steck & Liang, "Negative interactions for improved collaborative
  filtering: don't go deeper, go higher", 2021): the M most co-owned pairs of games are extra
  inputs Z (z_u,ij = x_ui x_uj) with their own weights C (ridge L), a pair never predicting
  its own two games; fitted by alternating closed forms, B RDLAE's on the target X - Z C, C
  the constrained ridge of X - X B on Z. R 1 stops after the first C (B is plain RDLAE), R 2
  refits B once more. Scores X B + Z C, B and C each kept to their 100 largest weights a row.
- `knn`, `rp3`: itemknn as the core trains it (BM25-weighted owners, cosine, shrinkage 10)
  and models.py's RP3beta blended into the weights as core/neighbor_blend.cpp blends.
- `ials`: models.py's iALS scores blended into the scores, each matrix by its overall sd.

Usage: beyond_rdlae.py val|test SEED... [--only PREFIX...]; prints linear_candidates.py's
lines (split, seed, name, Recall@20, NDCG@20) for summarise.py. With --engaged the lines
carry 'owned' and 'engaged' quality and popularity's engaged Recall@20 (engaged_summary.py).
Run with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 (and OpenBLAS, the README) to take one core.
"""
import os
import pickle
import sys
import tempfile

import numpy as np
import scipy.sparse as sp

from eval_split import kept_pairs, load, mean_quality, player_matrices
from linear_candidates import KEEP, blend, emphasised_inverse, fast_top, relaxed_weights, zero_diagonal_weights
from models import ials, keep_largest, rp3beta

LAM, DROPOUT, XI = 50, 0.4, 0.35


def fold(seed, validation):
    """Returns X, hours, and each player's held-out 'owned' and 'engaged' games, cached by split and seed."""
    folder = os.environ.get("STEAM_REC_FOLD_CACHE") or os.path.join(tempfile.gettempdir(), "steam_rec_linear_folds")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "%s_%d_engaged.pickle" % ("val" if validation else "test", seed))
    if not os.path.exists(path):
        plays, _ = load()
        x, h, owned, engaged = player_matrices(plays, kept_pairs(plays), seed, validation)
        with open(path, "wb") as f:
            pickle.dump((x.astype(np.float64), h, owned, engaged), f)
    with open(path, "rb") as f:
        return pickle.load(f)


def relaxed_fit(inverse, extra, xty):
    """Returns RDLAE's weights for the target Y (X'Y given): P X'Y, each column lowered by its
    multiple of P so that the diagonal is at most XI, then the diagonal zeroed. With Y = X
    this is relaxed_weights()."""
    m = inverse @ xty
    gamma = np.maximum(0, (np.diag(m) - XI) / np.diag(inverse))
    b = m - inverse * gamma[None, :]
    b[np.diag_indices_from(b)] = 0
    return b


def frequent_pairs(gram, count):
    """Returns the count most co-owned pairs (i < j) as two index arrays."""
    i, j = np.triu_indices_from(gram, 1)
    best = np.argsort(-gram[i, j], kind="stable")[:count]
    return i[best], j[best]


def pair_weights(z, residual, first, second, lam_c, dropout=0.0):
    """Returns C minimising |R - Z C|^2 + |Lambda^1/2 C|^2, Lambda = lam_c + dropout/(1-dropout) diag(Z'Z), with C[(i,j), i] = C[(i,j), j] = 0 (a pair
    says nothing of its own games): the free ridge solution corrected column by column through
    the inverse's block on the pairs holding that game (Lagrange multipliers)."""
    zz = (z.T @ z).toarray()
    zz[np.diag_indices_from(zz)] += lam_c + dropout / (1 - dropout) * np.diag(zz)
    q = np.linalg.inv(zz)
    c = q @ np.asarray(z.T @ residual)
    holding = [[] for _ in range(residual.shape[1])]
    for p, (a, b) in enumerate(zip(first, second)):
        holding[a].append(p)
        holding[b].append(p)
    for k, s in enumerate(holding):
        if s:
            c[:, k] -= q[:, s] @ np.linalg.solve(q[np.ix_(s, s)], c[s, k])
    return c


def higher_order(x, gram, inverse, extra, pairs, lam_c, dropout=0.0):
    """Yields (rounds, B, C): RDLAE with the pairs' weights fitted on its residual, then B refitted."""
    first, second = pairs
    xc = x.tocsc()
    z = xc[:, first].multiply(xc[:, second]).tocsr()
    b = relaxed_fit(inverse, extra, gram)
    c = pair_weights(z, x.toarray() - np.asarray(x @ b), first, second, lam_c, dropout)
    yield 1, b, c, z
    b = relaxed_fit(inverse, extra, gram - np.asarray(x.T @ (z @ c)))
    yield 2, b, c, z


def itemknn_bm25(x, shrink=10.0, k1=1.2, b=0.75):
    """Returns itemknn's weights as the core trains them by default: each row's value weighted by
    BM25 (k1, b, idf log(players / (1 + owners)) + 1), cosine with shrinkage, 100 largest kept."""
    players = x.shape[0]
    r, c = x.nonzero()
    value = np.asarray(x[r, c]).ravel()
    owners = np.bincount(c, minlength=x.shape[1])
    length = np.bincount(r, minlength=players)
    norm = k1 * (1 - b + b * length / length.mean())
    value = value * (k1 + 1) / (norm[r] + value) * (np.log(players / (1 + owners)) + 1)[c]
    w = sp.csr_matrix((value, (r, c)), x.shape)
    g = (w.T @ w).toarray()
    n = np.sqrt(np.diag(g))
    s = g / (np.outer(n, n) + shrink)
    np.fill_diagonal(s, 0)
    s[s < 0] = 0
    return keep_largest(s, KEEP, by_size=False)


def scaled(scores, x):
    """Returns the scores over their sd on the unowned entries (blends need a common scale)."""
    return scores / scores[np.asarray(x.toarray()) == 0].std()


def candidates(x, only):
    """Yields (name, scores) for every candidate on the training matrix x."""
    # a family or configuration is wanted when a prefix given names it or something within it
    want = lambda name: not only or any(name.startswith(o) or o.startswith(name) for o in only)
    gram = (x.T @ x).toarray()
    yield "ease lam50", np.asarray(x @ keep_largest(zero_diagonal_weights(emphasised_inverse(gram, 50, 0)[0]), KEEP))
    inverse, extra = emphasised_inverse(gram, LAM, DROPOUT)
    rdlae = keep_largest(relaxed_weights(inverse, extra, XI), KEEP)
    yield "rdlae lam50 p0.4 xi0.35", np.asarray(x @ rdlae)

    if want("hoe1"):
        for count in (1000, 4000):
            pairs = frequent_pairs(gram, count)
            for lam_c in (50, 200, 800):
                for rounds, b, c, z in higher_order(x, gram, inverse, extra, pairs, lam_c):
                    yield "hoe1 m%d lc%g r%d" % (count, lam_c, rounds), np.asarray(
                        x @ keep_largest(b, KEEP) + z @ keep_largest(c, KEEP))

    if want("hoe2"):
        # the second round: heavier or dropout-emphasised pair regularisation, more pairs
        for count in (4000, 8000):
            pairs = frequent_pairs(gram, count)
            for lam_c, dropout in ((3200, 0), (12800, 0), (50, 0.4), (200, 0.7)):
                if (count == 8000 and (lam_c, dropout) != (3200, 0)) or not want("hoe2 m%d lc%g p%g" % (count, lam_c, dropout)):
                    continue
                for rounds, b, c, z in higher_order(x, gram, inverse, extra, pairs, lam_c, dropout):
                    yield "hoe2 m%d lc%g p%g r%d" % (count, lam_c, dropout, rounds), np.asarray(
                        x @ keep_largest(b, KEEP) + z @ keep_largest(c, KEEP))

    if want("knn") or want("rp3") or want("mix"):
        knn = itemknn_bm25(x)
        for w in (0.1, 0.2, 0.4):
            if want("knn"):
                yield "knn rdlae blend%g" % w, np.asarray(x @ blend(rdlae, knn, w))
        if want("knn"):
            yield "knn ease blend0.4", np.asarray(x @ blend(keep_largest(
                zero_diagonal_weights(emphasised_inverse(gram, 50, 0)[0]), KEEP), knn, 0.4))
        rp3 = rp3beta(x)
        for wk, wr in ((0, 0.1), (0, 0.3), (0.2, 0.2), (0.4, 0.3)):
            if want("rp3"):
                yield "rp3 rdlae knn%g rp3%g" % (wk, wr), np.asarray(x @ blend(blend(rdlae, knn, wk), rp3, wr))

    if want("ials") or want("mix"):
        users, items = ials(x)
        factors = scaled(users @ items.T, x)
        base = scaled(np.asarray(x @ rdlae), x)
        for w in (0.1, 0.2, 0.3, 0.5):
            if want("ials"):
                yield "ials rdlae blend%g" % w, (1 - w) * base + w * factors
        if want("mix"):
            for wk, wi in ((0.1, 0.1), (0.2, 0.1), (0.2, 0.2)):
                with_knn = scaled(np.asarray(x @ blend(rdlae, knn, wk)), x)
                yield "mix rdlae knn%g ials%g" % (wk, wi), (1 - wi) * with_knn + wi * factors
            for wk, wr, wi in ((0, 0.3, 0.1), (0.1, 0.2, 0.1), (0.2, 0.2, 0.1), (0.2, 0.2, 0.2)):
                weights = scaled(np.asarray(x @ blend(blend(rdlae, knn, wk), rp3, wr)), x)
                yield "mix rdlae knn%g rp3%g ials%g" % (wk, wr, wi), (1 - wi) * weights + wi * factors


def engagement(x, h):
    """Returns each training row's engagement in 0..1, a simpler copy of core/engagement.hpp's:
    0 unplayed, else Phi((ln(1 + hours) - m) / s) with the game's median m and spread s of
    ln(1 + hours) over its players, shrunk to all games' (m by 1 player, s by 10)."""
    from scipy.special import ndtr
    logs = h.tocsc().copy()
    logs.data = np.log1p(logs.data)
    every = logs.data[logs.data > 0]
    prior_m = np.median(every)
    prior_s = (np.percentile(every, 75) - np.percentile(every, 25)) / 1.349
    m, s = np.full(x.shape[1], prior_m), np.full(x.shape[1], prior_s)
    for g in range(x.shape[1]):
        played = logs.data[logs.indptr[g]:logs.indptr[g + 1]]
        played = played[played > 0]
        if len(played):
            spread = (np.percentile(played, 75) - np.percentile(played, 25)) / 1.349
            m[g] = (len(played) * np.median(played) + prior_m) / (len(played) + 1)
            s[g] = max((len(played) * spread + 10 * prior_s) / (len(played) + 10), 0.1)
    r, c = x.nonzero()
    value = np.log1p(np.asarray(h[r, c]).ravel())
    value = np.where(value > 0, np.maximum(ndtr((value - m[c]) / s[c]), 1e-4), 0)
    return sp.csr_matrix((value, (r, c)), x.shape)


def engaged_candidates(x, h, weighted_best):
    """Yields (name, scores) for target 'engaged': RDLAE and the best 'owned' candidate trained on
    rows weighted 1 + w engagement (engagement_weight), and RDLAE plus half an RDLAE fitted on
    the rows played 2 hours or more (docs/quality.md's best idea within the 'owned' budget).
    weighted_best(rows) yields (name, scores) of the candidates to train on weighted rows."""
    e = engagement(x, h)
    played = (h >= 2).astype(np.float64)
    rdlae_on = lambda m: keep_largest(relaxed_weights(*emphasised_inverse((m.T @ m).toarray(), LAM, DROPOUT), XI), KEEP)
    plain = rdlae_on(x)
    yield "ease", np.asarray(x @ keep_largest(zero_diagonal_weights(emphasised_inverse((x.T @ x).toarray(), 50, 0)[0]), KEEP))
    yield "rdlae", np.asarray(x @ plain)
    on_played = np.asarray(x @ rdlae_on(played))
    for w in (0.5, 1):
        weighted = (x + e.multiply(w)).tocsr()
        b = rdlae_on(weighted)
        yield "rdlae engagement_weight %g" % w, np.asarray(weighted @ b)
        yield "rdlae engagement_weight %g, owned profile" % w, np.asarray(x @ b)
        for name, scores in weighted_best(weighted):
            yield "%s engagement_weight %g" % (name, w), scores
    for name, scores in weighted_best(x):
        yield name, scores
    for w in (0.5, 1):
        yield "rdlae + %g x RDLAE on played rows" % w, np.asarray(x @ plain) + w * on_played
    weighted = (x + e).tocsr()
    yield "rdlae engagement_weight 1 + 0.5 x RDLAE on played rows", np.asarray(weighted @ rdlae_on(weighted)) + 0.5 * on_played
    # the two that keep 'owned' best, together: the played-rows RDLAE on plain RDLAE's scale
    weighted = (x + e.multiply(0.5)).tocsr()
    size = np.asarray(x @ plain)[np.asarray(x.toarray()) == 0].std()
    for name, scores in weighted_best(weighted):
        for w in (0.25, 0.5):
            yield "%s engagement_weight 0.5 + %g x RDLAE on played rows" % (name, w), (
                scaled(scores, x) + w * on_played / size)


def best_owned(weighted):
    """Yields the weight blends of this script's 'owned' candidates (RDLAE with the core's itemknn
    and RP3beta: the parameters knn_weight and rp3_weight the core already has), trained on the
    weighted rows."""
    rdlae = keep_largest(relaxed_weights(*emphasised_inverse((weighted.T @ weighted).toarray(), LAM, DROPOUT), XI), KEEP)
    knn, rp3 = itemknn_bm25(weighted), rp3beta(weighted)
    for wk, wr in ((0.2, 0.2), (0.4, 0.3)):
        yield "rp3 rdlae knn%g rp3%g" % (wk, wr), np.asarray(weighted @ blend(blend(rdlae, knn, wk), rp3, wr))


def main():
    """Prints each candidate's quality on each seed of the chosen split."""
    split, rest = sys.argv[1], sys.argv[2:]
    engaged = "--engaged" in rest
    rest = [a for a in rest if a != "--engaged"]
    only = rest[rest.index("--only") + 1:] if "--only" in rest else []
    seeds = [int(s) for s in (rest[:rest.index("--only")] if "--only" in rest else rest)]
    for seed in seeds:
        x, h, owned, played = fold(seed, split == "val")
        if not engaged:
            for name, scores in candidates(x, only):
                r, n = mean_quality(fast_top(scores, x), owned)
                print("%s\t%d\t%s\t%.4f\t%.4f" % (split, seed, name, r, n), flush=True)
            continue
        popularity = np.tile(np.asarray(x.sum(0)).ravel(), (x.shape[0], 1))
        floor = mean_quality(fast_top(popularity, x), played)[0]
        for name, scores in engaged_candidates(x, h, best_owned):
            top = fast_top(scores, x)
            print("%s\t%d\t%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f" % (
                (split, seed, name) + mean_quality(top, owned) + mean_quality(top, played) + (floor,)), flush=True)


if __name__ == "__main__":
    main()
