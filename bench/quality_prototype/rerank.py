"""A second-stage re-ranker over each player's top 100 EASE candidates, fitted on
evaluate()'s validation split only, measured against EASE.  Usage:
  rerank.py DATA_DIR SEEDS validation|test FIT...
with FIT as source:loss:features[:l2] (README.md).  On "validation" a fit whose source
is the measured split is made on half the players and measured on the other half, both
ways; on "test" it is made on all the source's players, and the base models of the test
split are trained on its own training part.  DATA_DIR "" means $STEAM_REC_DATA or its
default (eval_split.py); folds are kept in $STEAM_REC_FOLD_CACHE (README.md)."""
import csv
import os
import pickle
import sys
import tempfile

import numpy as np
import scipy.optimize as so
import scipy.sparse as sp

import models
import warm_catalog
from eval_split import data_dir, kept_pairs, list_quality, load, split_players

CANDIDATES = 100
FOLD_CACHE = os.environ.get("STEAM_REC_FOLD_CACHE") or os.path.join(tempfile.gettempdir(), "steam_rec_rerank_folds")
# The first-stage model whose top 100 is re-ranked and whose score is the "ease" features:
# EASE, or with STEAM_REC_RERANK_BASE=rdlae RDLAE, or =collective the server's default model
# (warm_catalog.py's `kinds n2 a1 s2`); each base's folds kept apart, named rdlae_..., collective_...
BASE = os.environ.get("STEAM_REC_RERANK_BASE", "ease")


def load_catalog(data):
    """Returns {appid: (year, developer, publisher, price, free)}."""
    catalog = {}
    with open(os.path.join(data, "catalog.csv")) as f:
        for row in csv.DictReader(f):
            year = row["release_date"][:4]
            catalog[int(row["appid"])] = (
                int(year) if year.isdigit() else None,
                row["developer"] or None,
                row["publisher"] or None,
                float(row["price_cents"] or 0) / 100.0,
                row["is_free"] == "true",
            )
    return catalog


def base_weights(X, games):
    """Returns the first-stage model's kept weights (BASE) on the players x games matrix X."""
    if BASE == "collective":
        return warm_catalog.collective((X.T @ X).toarray(), games)
    return models.rdlae(X) if BASE == "rdlae" else models.ease(X)


class Fold:
    """One split's base models, candidates and features."""

    def __init__(self, plays, seed, validation, catalog, tags, inner_holdout=None, set_aside=False):
        """plays and tags as eval_split.load() returns them.  With set_aside (validation only),
        each player's test games are neither trained on nor ranked for that player, as
        evaluate(validation => true) does since 1.6; without it they are ranked as unowned."""
        pairs = kept_pairs(plays)
        players = split_players(pairs, seed, validation, inner_holdout=inner_holdout)
        universe = sorted({a for _, a in pairs})
        held = [set(test) for _, _, test in players]
        library = {}
        for player, a in pairs:
            library.setdefault(player, set()).add(a)
        aside = [library[player] - set(train) - set(test) if set_aside else set() for player, train, test in players]
        self.held = held
        self.games = np.array(universe)
        col = {a: i for i, a in enumerate(universe)}
        rows, cols, hours = [], [], []
        for u, (player, train, _) in enumerate(players):
            for a in train:
                rows.append(u)
                cols.append(col[a])
                hours.append(plays[(player, a)])
        n_u, n_i = len(players), len(universe)
        X = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_u, n_i))
        H = sp.csr_matrix((np.array(hours), (rows, cols)), shape=(n_u, n_i))
        self.X = X
        owned_mask = X.toarray() > 0
        for u, games in enumerate(aside):
            owned_mask[u, [col[a] for a in games]] = True
        scores = {}
        scores["ease"] = np.asarray(X @ base_weights(X, universe))
        scores["knn"] = np.asarray(X @ models.itemknn(X))
        scores["rp3"] = np.asarray(X @ models.rp3beta(X))
        U, V = models.ials(X)
        scores["ials"] = U @ V.T
        for s in scores.values():
            s[owned_mask] = -np.inf
        self.scores = scores
        # Candidates: EASE's top 100 per player, in EASE's order.
        e = scores["ease"]
        top = np.argpartition(-e, CANDIDATES, axis=1)[:, :CANDIDATES]
        order = np.argsort(-np.take_along_axis(e, top, 1), axis=1)
        self.cand = np.take_along_axis(top, order, 1)
        self.labels = np.array([[1.0 if self.games[i] in held[u] else 0.0 for i in self.cand[u]] for u in range(n_u)])
        self.features, self.names = self._features(X, H, owned_mask, catalog, tags)
        del self.scores, self.X

    def _features(self, X, H, owned_mask, catalog, tags):
        n_u, n_i = X.shape
        c = self.cand
        f, names = [], []

        def add(name, value):
            names.append(name)
            f.append(value.astype(np.float64))

        for name, s in self.scores.items():
            cs = np.take_along_axis(s, c, 1)
            finite = np.where(np.isfinite(s), s, np.nan)
            top = np.nanmax(finite, 1, keepdims=True)
            mean = np.nanmean(finite, 1, keepdims=True)
            sd = np.nanstd(finite, 1, keepdims=True) + 1e-12
            add(f"{name}_z", (cs - mean) / sd)
            add(f"{name}_rel", cs / (np.abs(top) + 1e-12))
            rank = np.argsort(np.argsort(-np.where(np.isfinite(s), s, -1e30), 1), 1)
            add(f"{name}_logrank", np.log1p(np.take_along_axis(rank, c, 1)))
        owners = np.asarray(X.sum(0)).ravel()
        library = np.asarray(X.sum(1)).ravel()
        logpop = np.log1p(owners)[c]
        add("logpop", logpop)
        add("logpop_x_loglib", logpop * np.log1p(library)[:, None])
        played = np.asarray((H > 0).sum(0)).ravel()
        add("played_share", (played / np.maximum(owners, 1))[c])
        Hl = H.copy()
        Hl.data = np.log1p(Hl.data)
        add("mean_log_hours", (np.asarray(Hl.sum(0)).ravel() / np.maximum(owners, 1))[c])
        # Tags, TF-IDF, the player's profile the sum of their games' vectors.
        vocab = {}
        tr, tc = [], []
        for i, a in enumerate(self.games):
            for t, _ in tags.get(int(a), []):
                tr.append(i)
                tc.append(vocab.setdefault(t, len(vocab)))
        T = sp.csr_matrix((np.ones(len(tr)), (tr, tc)), shape=(n_i, max(len(vocab), 1)))
        df = np.asarray((T > 0).sum(0)).ravel()
        T = T.multiply(np.log(n_i / np.maximum(df, 1))[None, :]).tocsr()
        norm = np.sqrt(np.asarray(T.multiply(T).sum(1)).ravel()) + 1e-12
        T = sp.diags(1 / norm) @ T
        profile = X @ T
        pn = np.sqrt(np.asarray(profile.multiply(profile).sum(1)).ravel()) + 1e-12
        cos = np.asarray((sp.diags(1 / pn) @ profile @ T.T).todense())
        add("tag_cosine", np.take_along_axis(cos, c, 1))
        add("has_tags", (np.asarray(T.sum(1)).ravel() > 0)[c].astype(float))
        facts = [catalog.get(int(a), (None, None, None, 0.0, False)) for a in self.games]
        year = np.array([y if y else np.nan for y, *_ in facts], dtype=float)
        known = ~np.isnan(year)
        year_filled = np.where(known, year, np.nanmean(year))
        add("year", (year_filled - 2010)[c] / 5)
        Xd = X.toarray()
        user_year = (Xd @ year_filled) / np.maximum(library, 1)
        add("year_gap", np.abs(year_filled[c] - user_year[:, None]) / 5)
        price = np.array([p for *_, p, _ in facts])
        add("log_price", np.log1p(price)[c])
        add("free", np.array([fr for *_, fr in facts], dtype=float)[c])
        for k, name in ((1, "developer"), (2, "publisher")):
            ids = {}
            col = np.array([ids.setdefault(fa[k], len(ids)) if fa[k] else -1 for fa in facts])
            D = sp.csr_matrix((np.ones((col >= 0).sum()), (np.nonzero(col >= 0)[0], col[col >= 0])),
                              shape=(n_i, max(len(ids), 1)))
            share = np.asarray(((X @ D) @ D.T).todense()) / np.maximum(library, 1)[:, None]
            add(f"{name}_share", np.take_along_axis(share, c, 1))
        return np.stack(f, axis=2), names


def measure(fold, users, order_of):
    """Returns mean Recall@K and NDCG@K over the users with held-out games."""
    recall = ndcg = 0.0
    n = 0
    for u in users:
        if not fold.held[u]:
            continue
        ranked = [fold.games[i] for i in fold.cand[u][order_of(u)]]
        r, g = list_quality(ranked, fold.held[u])
        recall += r
        ndcg += g
        n += 1
    return recall / n, ndcg / n


def fit(fold, users, chosen, l2=1.0, mode="rand30", quad=False):
    """Fits a pairwise logistic model (each relevant candidate over others) on the users.
    mode: rand30 (30 random negatives per positive), all (every negative), lambda (every
    negative, each pair weighted by the change of its DCG gain under EASE's order),
    lambda30 (as lambda over 30 random negatives)."""
    F = fold.features[:, :, chosen]
    mu = F[users].reshape(-1, len(chosen)).mean(0)
    sd = F[users].reshape(-1, len(chosen)).std(0) + 1e-9
    F = expand((F - mu) / sd, [fold.names[i] for i in chosen], quad)
    mu0, sd0 = mu, sd
    mu, sd = np.zeros(F.shape[-1]), np.ones(F.shape[-1])
    pos_rows, neg_rows, weights = [], [], []
    rng = np.random.default_rng(7)
    for u in users:
        pos = np.nonzero(fold.labels[u] > 0)[0]
        neg = np.nonzero(fold.labels[u] == 0)[0]
        if len(pos) == 0:
            continue
        for p in pos:
            take = rng.choice(neg, size=min(30, len(neg)), replace=False) if mode.endswith("30") else neg
            pos_rows.append(np.repeat(((F[u, p] - mu) / sd)[None, :], len(take), 0))
            neg_rows.append((F[u, take] - mu) / sd)
            gain = np.abs(1 / np.log2(2 + p) - 1 / np.log2(2 + take)) if mode.startswith("lambda") else np.ones(len(take))
            weights.append(gain)
    D = np.concatenate(pos_rows) - np.concatenate(neg_rows)
    pw = np.concatenate(weights)
    pw = pw / pw.mean()

    def loss(w):
        z = D @ w
        value = (pw * np.logaddexp(0, -z)).sum() + 0.5 * l2 * w @ w
        grad = -(D.T @ (pw / (1 + np.exp(z)))) + l2 * w
        return value, grad

    w = so.minimize(loss, np.zeros(D.shape[1]), jac=True, method="L-BFGS-B").x
    return w, mu0, sd0


QUAD = ("ease_z", "knn_z", "rp3_z", "ials_z", "logpop", "logpop_x_loglib", "tag_cosine", "played_share",
        "ease_logrank", "year_gap")


def expand(F, names, quad):
    """Appends the products of the standardized QUAD features when quad is set."""
    if not quad:
        return F
    idx = [names.index(n) for n in QUAD if n in names]
    extra = [F[..., a] * F[..., b] for x, a in enumerate(idx) for b in idx[x:]]
    return np.concatenate([F, np.stack(extra, axis=-1)], axis=-1)


def reranked(fold, w, mu, sd, chosen, quad=False):
    """Returns a function giving a user's candidate order under the fitted weights."""
    F = expand((fold.features[:, :, chosen] - mu) / sd, [fold.names[i] for i in chosen], quad)
    s = F @ w
    return lambda u: np.argsort(-s[u], kind="stable")


def fold_path(seed, kind):
    """Where the fold of this seed and kind is kept."""
    return os.path.join(FOLD_CACHE, f"{'' if BASE == 'ease' else BASE + '_'}{kind}_{seed}.fold.pkl")


def cached_fold(plays, seed, kind, catalog, tags):
    """Returns the fold of this seed and kind, built once and kept in FOLD_CACHE."""
    # Stored as the attributes, so any script importing this module reads them.
    path = fold_path(seed, kind)
    if os.path.exists(path):
        fold = Fold.__new__(Fold)
        with open(path, "rb") as f:
            fold.__dict__.update(pickle.load(f))
        return fold
    inner = {"validation": None, "fixed": None, "inner05": 0.05, "test": None}[kind]
    fold = Fold(plays, seed, kind != "test", catalog, tags, inner_holdout=inner, set_aside=kind == "fixed")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        pickle.dump(fold.__dict__, f)
    return fold


class FoldReader:
    """Folds by seed and kind from FOLD_CACHE; the data are read (once) only when a fold must be
    built, or when a caller asks for the plays."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.data = None

    def plays(self):
        if self.data is None:
            self.data = load(data_dir())
        return self.data[0]

    def fold(self, seed, kind):
        if os.path.exists(fold_path(seed, kind)):
            return cached_fold(None, seed, kind, self.catalog, None)
        plays = self.plays()
        return cached_fold(plays, seed, kind, self.catalog, self.data[1])


def variants_of(names):
    """Returns the named feature sets as lists of feature indices."""
    variants = {"all": list(range(len(names)))}
    variants["scores"] = [i for i, n in enumerate(names) if n.split("_")[0] in ("ease", "knn", "rp3", "ials")]
    variants["scores+pop"] = variants["scores"] + [names.index(n) for n in ("logpop", "logpop_x_loglib")]
    variants["no_ials"] = [i for i, n in enumerate(names) if not n.startswith("ials")]
    variants["ease+knn+rp3"] = [i for i, n in enumerate(names) if n.split("_")[0] in ("ease", "knn", "rp3")]
    variants["ease+knn+rp3+pop"] = variants["ease+knn+rp3"] + [names.index(n) for n in ("logpop", "logpop_x_loglib")]
    return variants


def main():
    """rerank.py DATA SEEDS MODE FIT... ; MODE validation|test; FIT as fitsplit:loss:features[:l2]."""
    data, seeds, mode = sys.argv[1] or data_dir(), [int(s) for s in sys.argv[2].split()], sys.argv[3]
    fits = sys.argv[4:]
    plays, tags = load(data)
    catalog = load_catalog(data)
    ease_order = lambda u: np.arange(CANDIDATES)
    for seed in seeds:
        target = cached_fold(plays, seed, mode, catalog, tags)
        everyone = np.arange(len(target.held))
        base = measure(target, everyone, ease_order)
        print(f"seed {seed} {mode} ease {base[0]:.4f} {base[1]:.4f}", flush=True)
        for spec in fits:
            parts = spec.split(":")
            fitsplit, loss, feats = parts[:3]
            quad = feats.endswith("+quad")
            feats = feats[:-5] if quad else feats
            l2 = float(parts[3]) if len(parts) > 3 else 1.0
            source = cached_fold(plays, seed, fitsplit, catalog, tags)
            chosen = variants_of(source.names)[feats]
            # The fixed validation split holds the measured validation split's players and games.
            if source is target or fitsplit == mode or (fitsplit, mode) == ("fixed", "validation"):
                halves = [everyone[everyone % 2 == 0], everyone[everyone % 2 == 1]]
                order_of = {}
                for a, b in ((0, 1), (1, 0)):
                    w, mu, sd = fit(source, halves[a], chosen, l2, loss, quad)
                    order = reranked(target, w, mu, sd, chosen, quad)
                    for u in halves[b]:
                        order_of[u] = order(u)
                r = measure(target, everyone, lambda u: order_of[u])
            else:
                w, mu, sd = fit(source, np.arange(len(source.held)), chosen, l2, loss, quad)
                r = measure(target, everyone, reranked(target, w, mu, sd, chosen, quad))
            print(f"seed {seed} {mode} {spec} {r[0]:.4f} {r[1]:.4f} x {r[0]/base[0]:.4f} {r[1]/base[1]:.4f}",
                  flush=True)


if __name__ == "__main__":
    main()
