#!/usr/bin/python3
"""The smallest re-ranker over RDLAE's top 100 that might pass 1.03x EASE on both measures.

Fits rerank.py's pairwise model on the validation split as evaluate() draws it since 1.6
(each player's test games neither trained on nor ranked: rerank.py's "fixed" folds) and
measures it on that split (two-fold over players) and on the test split (fitted on every
validation player, applied to the test split's candidates).  A configuration is
`features objective [quad]`:

- features: a named set (SETS below) of rerank.py's 24 features;
- objective: `lambda` (every negative, each pair weighted by the change of its DCG gain
  under RDLAE's order, as rerank.py), `ndcg` (LambdaRank: each pair weighted by the change
  of the player's NDCG@20 if the two swapped places in the model's own order, recomputed
  over three rounds of fitting), `rand30` (30 random negatives a held-out game, unweighted),
  `hgb` (scikit-learn's histogram gradient boosting, pointwise; python3-sklearn);
- quad: the pairwise products of the set's main features (rerank.QUAD).

Every fit is measured four ways: re-ranking the top 100 or only the top 50, each alone or
blended with RDLAE's order (`b1`: the model's score plus RDLAE's z-score, each scaled to
unit sd over the fitted candidates).  Prints summarise.py's lines (split, seed, name,
Recall@20, NDCG@20), EASE (lambda 50) on the same split as `ease lam50` and the base's own order
named as the base (`rdlae`; with STEAM_REC_RERANK_BASE=collective the server's default model,
collective EASE, in RDLAE's place throughout).  Usage:
  STEAM_REC_RERANK_BASE=rdlae|collective rerank_search.py val|test SEED... -- CONFIG...
with CONFIG as `features:objective[:quad][:fit50][:l2=L]` (L the ridge, 1 by default)."""
import os
import sys

import numpy as np
import scipy.optimize as so

import rerank
from eval_split import GAINS, K, data_dir, ease_inverse, ease_weights, kept_pairs, list_quality, split_players
from models import keep_largest

SCORES = ("ease", "knn", "rp3", "ials")  # rerank.py's base models; "ease" is RDLAE's score here
GROUPS = {
    "pop": ("logpop", "logpop_x_loglib"),
    "tag": ("tag_cosine", "has_tags"),
    "eng": ("played_share", "mean_log_hours"),
    "year": ("year", "year_gap"),
    "price": ("log_price", "free"),
    "maker": ("developer_share", "publisher_share"),
}


def feature_set(name, names):
    """Returns the indices of a set named as models and groups joined by '+' ("r+k+pop": RDLAE's
    and itemknn's scores and the owners), "all", or "all-GROUP" / "all-MODEL"."""
    model = {"r": "ease", "k": "knn", "p": "rp3", "i": "ials"}
    if name.startswith("all"):
        dropped = name.split("-")[1:]
        parts = [m for m in "rkpi" if m not in dropped] + [g for g in GROUPS if g not in dropped]
    else:
        parts = name.split("+")
    chosen = []
    for part in parts:
        if part in model:
            chosen += [n for n in names if n.split("_")[0] == model[part]]
        else:
            chosen += list(GROUPS[part])
    return [names.index(n) for n in chosen]


def pair_arrays(fold, users, top):
    """Returns per pair (user, positive slot, negative slot) for the users' candidates within top."""
    us, ps, ns = [], [], []
    labels = fold.labels[:, :top]
    for u in users:
        pos = np.flatnonzero(labels[u] > 0)
        neg = np.flatnonzero(labels[u] == 0)
        if len(pos) == 0:
            continue
        p, n = np.meshgrid(pos, neg, indexing="ij")
        us.append(np.full(p.size, u))
        ps.append(p.ravel())
        ns.append(n.ravel())
    return np.concatenate(us), np.concatenate(ps), np.concatenate(ns)


def swap_weights(scores, fold, u, p, n, top):
    """Returns each pair's |change of NDCG@K| if its two candidates swapped places in the order
    of scores (LambdaRank's weight)."""
    order = np.argsort(-scores, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(top)[None, :], 1)
    gain = np.zeros(top)
    gain[:K] = GAINS
    ideal = np.array([GAINS[:max(1, min(K, len(h)))].sum() for h in fold.held])
    return np.abs(gain[rank[u, p]] - gain[rank[u, n]]) / ideal[u]


def fit(fold, users, chosen, objective, quad, top=rerank.CANDIDATES, l2=1.0):
    """Returns the fitted model as a function giving a fold's candidate scores (players x 100)."""
    if objective == "hgb":
        return fit_trees(fold, users, chosen, top)
    w, mu, sd = fit_pairwise(fold, users, chosen, objective, quad, top, l2)
    names = [fold.names[i] for i in chosen]
    return lambda target: rerank.expand((target.features[:, :, chosen] - mu) / sd, names, quad) @ w


def fit_trees(fold, users, chosen, top):
    """Returns scikit-learn's histogram gradient boosting (a pointwise classifier of held-out
    candidates, 200 trees of 31 leaves) as a scoring function; a tree ensemble to see whether
    one would win clearly enough to be worth rebuilding."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    x = fold.features[users][:, :top][:, :, chosen].reshape(-1, len(chosen))
    y = fold.labels[users][:, :top].reshape(-1)
    keep = y >= 0
    model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, max_leaf_nodes=31,
                                           early_stopping=False, random_state=7).fit(x[keep], y[keep] > 0)

    def score(target):
        f = target.features[:, :, chosen]
        return model.decision_function(f.reshape(-1, len(chosen))).reshape(f.shape[:2])

    return score


def fit_pairwise(fold, users, chosen, objective, quad, top, l2):
    """Returns (w, mu, sd) of the pairwise logistic model over the users' candidates within top."""
    F = fold.features[:, :top, chosen]
    flat = F[users].reshape(-1, len(chosen))
    mu, sd = flat.mean(0), flat.std(0) + 1e-9
    names = [fold.names[i] for i in chosen]
    G = rerank.expand((F - mu) / sd, names, quad).astype(np.float32)
    u, p, n = pair_arrays(fold, users, top)
    if objective == "rand30":
        keep = np.zeros(len(u), bool)
        rng = np.random.default_rng(7)
        for start, end in _runs(u, p):
            keep[start + rng.choice(end - start, size=min(30, end - start), replace=False)] = True
        u, p, n = u[keep], p[keep], n[keep]
    D = G[u, p] - G[u, n]
    rounds = 3 if objective == "ndcg" else 1
    base = np.tile(-np.arange(top, dtype=float), (len(fold.held), 1))  # RDLAE's order
    if objective == "lambda":
        pw = np.abs(1 / np.log2(2 + p) - 1 / np.log2(2 + n))
    elif objective == "ndcg":
        pw = swap_weights(base, fold, u, p, n, top)
    else:
        pw = np.ones(len(u))
    w = np.zeros(G.shape[-1])
    for r in range(rounds):
        if r:
            pw = swap_weights(G @ w, fold, u, p, n, top)
        pw = pw / pw.mean()
        nonzero = pw > 0
        Dr, pr = D[nonzero], pw[nonzero]

        def loss(w):
            z = (Dr @ w.astype(np.float32)).astype(np.float64)
            value = (pr * np.logaddexp(0, -z)).sum() + 0.5 * l2 * w @ w
            grad = -(Dr.T @ (pr / (1 + np.exp(z))).astype(np.float32)) + l2 * w
            return value, grad

        w = so.minimize(loss, w, jac=True, method="L-BFGS-B").x
    return w, mu, sd


def _runs(u, p):
    """Yields (start, end) of the runs of equal (user, positive) in the pair arrays."""
    key = u * 1000 + p
    edges = np.flatnonzero(np.diff(key)) + 1
    starts = np.concatenate([[0], edges])
    ends = np.concatenate([edges, [len(key)]])
    return zip(starts, ends)


def variants(fold, scores, users):
    """Yields (suffix, order function) for the top 100 and top 50, alone and blended with RDLAE."""
    rdlae = fold.features[:, :, fold.names.index("ease_z")]
    s_model = scores / scores[users].std()
    s_base = rdlae / rdlae[users].std()
    for top in (100, 50):
        for blend in (0.0, 1.0):
            s = s_model + blend * s_base
            s = s.copy()
            s[:, top:] = -np.inf
            suffix = ("" if top == 100 else " top50") + (" b%g" % blend if blend else "")
            yield suffix, (lambda s: lambda u: np.argsort(-s[u], kind="stable"))(s)


def ease_quality(plays, seed, validation):
    """Returns EASE (lambda 50, 100 largest weights)'s mean Recall@K and NDCG@K on the split, each
    player's test games set aside on validation as evaluate() does since 1.6."""
    pairs = kept_pairs(plays)
    players = split_players(pairs, seed, validation)
    universe = sorted({a for _, a in pairs})
    col = {a: i for i, a in enumerate(universe)}
    library = {}
    for player, a in pairs:
        library.setdefault(player, set()).add(a)
    X = np.zeros((len(players), len(universe)))
    for u, (_, train, _) in enumerate(players):
        X[u, [col[a] for a in train]] = 1
    s = X @ keep_largest(ease_weights(ease_inverse(X.T @ X, 50.0)), 100)
    recall = ndcg = 0.0
    for u, (player, train, test) in enumerate(players):
        s[u, [col[a] for a in library[player] - set(test)]] = -np.inf
        top = np.argsort(-s[u], kind="stable")[:K]
        r, g = list_quality([universe[i] for i in top], set(test))
        recall, ndcg = recall + r, ndcg + g
    return recall / len(players), ndcg / len(players)


def cached_ease_quality(plays, seed, validation):
    """ease_quality(), kept in rerank.py's FOLD_CACHE by split and seed."""
    path = os.path.join(rerank.FOLD_CACHE, "ease_quality_%s_%d.txt" % ("val" if validation else "test", seed))
    if not os.path.exists(path):
        os.makedirs(rerank.FOLD_CACHE, exist_ok=True)
        quality = ease_quality(plays(), seed, validation)
        with open(path + ".part%d" % os.getpid(), "w") as f:
            f.write("%r %r\n" % quality)
        os.replace(f.name, path)  # whole, for runs side by side
    with open(path) as f:
        return tuple(float(v) for v in f.read().split())


def main():
    split, rest = sys.argv[1], sys.argv[2:]
    cut = rest.index("--")
    seeds, configs = [int(s) for s in rest[:cut]], rest[cut + 1:]
    folds = rerank.FoldReader(rerank.load_catalog(data_dir()))
    plays, fold = folds.plays, folds.fold

    def line(seed, name, q):
        print("%s\t%d\t%s\t%.4f\t%.4f" % (split, seed, name, q[0], q[1]), flush=True)

    for seed in seeds:
        source = fold(seed, "fixed")
        target = source if split == "val" else fold(seed, "test")
        everyone = np.arange(len(target.held))
        line(seed, "ease lam50", cached_ease_quality(plays, seed, split == "val"))
        line(seed, rerank.BASE, rerank.measure(target, everyone, lambda u: np.arange(rerank.CANDIDATES)))
        for config in configs:
            feats, objective, *extra = config.split(":")
            quad = "quad" in extra
            top = 50 if "fit50" in extra else rerank.CANDIDATES
            l2 = [float(e[3:]) for e in extra if e.startswith("l2=")]
            chosen = feature_set(feats, source.names)
            name = "%s %s%s%s%s" % (feats, objective, " quad" if quad else "", " fit50" if top == 50 else "",
                                    " l2=%g" % l2[0] if l2 else "")
            l2 = l2[0] if l2 else 1.0
            if split == "val":
                halves = [everyone[everyone % 2 == 0], everyone[everyone % 2 == 1]]
                scores = np.zeros(target.labels.shape)
                for a, b in ((0, 1), (1, 0)):
                    scores[halves[b]] = fit(source, halves[a], chosen, objective, quad, top, l2)(target)[halves[b]]
            else:
                scores = fit(source, np.arange(len(source.held)), chosen, objective, quad, top, l2)(target)
            for suffix, order in variants(target, scores, everyone):
                if top == 50 and "top50" not in suffix:
                    continue
                line(seed, name + suffix, rerank.measure(target, everyone, order))


if __name__ == "__main__":
    main()
