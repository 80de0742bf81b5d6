#!/usr/bin/python3
"""Ideas for ranking by play (target 'engaged'), tried on evaluate()'s split before building any.

Each candidate scores every game for every player from the training rows; the
lines give 'owned' and 'engaged' Recall@20 / NDCG@20, the 'owned' recall as a
share of plain EASE's (the owned-recall budget is 2%), and the 'engaged' recall
over popularity's (owners counted on the training rows, as evaluate()'s floor).
Plain EASE (lambda 50, every weight kept) stands in for the default hybrid.

    bench/quality_prototype/engaged_candidates.py val|test SEED...

The data directory is $STEAM_REC_DATA (eval_split.py).
"""
import sys

import numpy as np

from eval_split import ease_inverse, ease_weights, kept_pairs, load, mean_quality, player_matrices, ranked_top

LAMBDA = 50


def asymmetric_weights(inverse, x_t_y):
    """Returns the weights of EASE fitted to predict the matrix Y from X (zero diagonal):
    P X'Y - P diag(gamma), gamma chosen so the diagonal is 0."""
    c = inverse @ x_t_y
    return c - inverse * (np.diag(c) / np.diag(inverse))[None, :]


def candidates(x, h):
    """Yields (label, scores) for each idea."""
    e = (h >= 2).astype(np.float32)  # the rows played at least 2 hours
    p = ease_inverse((x.T @ x).toarray(), LAMBDA)
    base = np.asarray(x @ ease_weights(p), dtype=np.float32)
    yield "ease", base
    share = np.asarray(e.sum(0)).ravel() / np.maximum(np.asarray(x.sum(0)).ravel(), 1)
    for w in (1, 2):
        yield f"ease x (1 + {w} played share)", base * (1 + w * share)[None, :]
    engaged_only = ease_weights(ease_inverse((e.T @ e).toarray(), LAMBDA))
    played_similarity = np.asarray(x @ engaged_only, dtype=np.float32)
    yield "EASE on engaged rows, owned profile", played_similarity
    yield "EASE on engaged rows, engaged profile", np.asarray(e @ engaged_only, dtype=np.float32)
    for w in (0.5, 1):
        yield f"ease + {w} x EASE on engaged rows", base + w * played_similarity
    yield "(ease + 0.5 x EASE on engaged rows) x (1 + share)", (base + 0.5 * played_similarity) * (1 + share)[None, :]
    owned_to_played = np.asarray(x @ asymmetric_weights(p, (x.T @ e).toarray()), dtype=np.float32)
    yield "ease + owned->engaged EASE", base + owned_to_played
    w = x + e
    weights = ease_weights(ease_inverse((w.T @ w).toarray(), LAMBDA * 2))
    yield "EASE on X + E, owned profile", np.asarray(x @ weights, dtype=np.float32)
    yield "EASE on X + E, weighted profile", np.asarray(w @ weights, dtype=np.float32)
    # The player's own play share among their games like the candidate (cosine of owners),
    # shrunk towards the candidate's share with m pseudo-games.
    gram = (x.T @ x).toarray().astype(np.float32)
    norms = np.sqrt(np.diag(gram))
    cosine = gram / np.maximum(np.outer(norms, norms), 1e-9)
    np.fill_diagonal(cosine, 0)
    played, like = np.asarray(e @ cosine), np.asarray(x @ cosine)
    for m in (1, 5):
        yield f"ease x (1 + personal play share, m {m})", base * (1 + (played + m * share) / (like + m))
    fraction = np.asarray(e.sum(1)).ravel() / np.maximum(np.asarray(x.sum(1)).ravel(), 1)
    yield "ease x (1 + share x the player's played fraction)", base * (1 + fraction[:, None] * share[None, :])


def main():
    validation = sys.argv[1] == "val"
    plays, _ = load()
    pairs = kept_pairs(plays)
    for seed in map(int, sys.argv[2:]):
        x, h, owned, engaged = player_matrices(plays, pairs, seed, validation)
        popularity = np.tile(np.asarray(x.sum(0), dtype=np.float32), (x.shape[0], 1))
        floor = mean_quality(ranked_top(popularity, exclude=x, ties="partition"), engaged)[0]
        reference = None
        for label, scores in candidates(x, h):
            top = ranked_top(np.asarray(scores, dtype=np.float32), exclude=x, ties="partition")
            o = mean_quality(top, owned)
            g = mean_quality(top, engaged)
            reference = reference or o[0]
            print(f"seed {seed} | {label} | owned {o[0]:.4f} / {o[1]:.4f} ({o[0] / reference:.3f} of ease) | "
                  f"engaged {g[0]:.4f} / {g[1]:.4f} | x popularity {g[0] / floor:.3f}", flush=True)


if __name__ == "__main__":
    main()
