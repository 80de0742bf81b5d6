#!/usr/bin/python3
"""Catalog facts among owned games (target 'owned'): RDLAE plus what two games' catalog rows share.

The facts that lend weights into new games (new_game_catalog.py: a shared developer, publisher or
series, the series being the name's stem) and the IDF-weighted cosine of the names' words, tried
between games that players own, on top of RDLAE (lambda 50, p 0.4, xi 0.35, 100 weights a game):

- `lists a A s S n N`: the catalog similarity C = A (developer + publisher shared) + S series shared
  + N name-word cosine added to RDLAE's kept weights as neighbour-list entries, W + scale x C
  (scale: the median over games of their largest kept weight by size), each row then kept to its
  100 largest by size as the core keeps.
- `cold a A s S n N m M`: the same with the weight into game h times 1 / (1 + owners_h / M), so
  that the facts speak where co-ownership is thin.
- `collective f F kinds`: collective EASE: the catalog's facts as extra rows of X (one row per
  developer, publisher and series key with 1 for its games, one per name word with the IDF
  weights of the normalised name vectors), weighted F, i.e. RDLAE on the Gram G + F^2 K K' (K the
  games x facts matrix); the dropout emphasis is on the augmented diagonal.
- `kinds n N a A s S`: collective EASE with a weight for each kind (N the name words, A the
  developer and publisher keys, S the series), the second round around the first's best.
- `more ...`: the third round, on top of the second's choice (n 2, a 1, s 2): the tags (`t T`: the
  games' TF-IDF tag vectors as the content model builds them, each of length 1), the release year
  (`y Y`: one row per year with 1 for its games), and RDLAE's lambda and dropout retuned with the
  facts in (`lam L p P`).

Validation is evaluate()'s since 1.6: each player's test games neither trained on nor ranked.

Usage: warm_catalog.py val|test SEED... [--only PREFIX...]  prints (split, seed, name, Recall@20,
NDCG@20) lines; warm_catalog.py summary FILE...  prints the table of docs/quality.md (ratios to
EASE lambda 50 and to RDLAE paired by seed; `*` the largest validation min(recall, NDCG) ratio to
EASE within each family). Run with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 (and OpenBLAS, the
README) to take one core.
"""
import csv
import os
import pickle
import re
import sys
import tempfile
from collections import Counter, defaultdict

import numpy as np
import scipy.sparse as sp

from eval_split import data_dir, kept_pairs, load, mean_quality, split_players
from linear_candidates import KEEP, emphasised_inverse, fast_top, relaxed_weights, zero_diagonal_weights
from models import keep_largest
from new_game_candidates import tag_vectors
from new_game_catalog import catalog_keys, catalog_rows

LAM, DROPOUT, XI = 50, 0.4, 0.35
EASE, RDLAE = "ease lam50", "rdlae lam50 p0.4 xi0.35"
# As src/core/series_stem.cpp lists them.
NUMERALS = {"ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv", "xvi", "xvii",
            "xviii", "xix", "xx"}


def fold(seed, validation):
    """Returns (X, games excluded from each player's ranking, held-out games, appids), cached by split and seed.
    On validation a player's test games are excluded too (evaluate() since 1.6)."""
    folder = os.environ.get("STEAM_REC_FOLD_CACHE") or os.path.join(tempfile.gettempdir(), "steam_rec_linear_folds")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "%s_%d_fixed.pickle" % ("val" if validation else "test", seed))
    if not os.path.exists(path):
        plays, _ = load()
        pairs = kept_pairs(plays)
        appids = sorted({a for _, a in pairs})
        col = {a: i for i, a in enumerate(appids)}
        library = defaultdict(set)
        for player, a in pairs:
            library[player].add(a)
        rows, cols, ex_rows, ex_cols, held = [], [], [], [], []
        for u, (player, train, test) in enumerate(split_players(pairs, seed, validation)):
            rows += [u] * len(train)
            cols += [col[a] for a in train]
            excluded = library[player] - set(test)
            ex_rows += [u] * len(excluded)
            ex_cols += [col[a] for a in excluded]
            held.append([col[a] for a in test])
        shape = (len(held), len(appids))
        x = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape)
        exclude = sp.csr_matrix((np.ones(len(ex_rows)), (ex_rows, ex_cols)), shape)
        with open(path + ".part%d" % os.getpid(), "wb") as f:
            pickle.dump((x, exclude, held, appids), f)
        os.replace(f.name, path)
    with open(path, "rb") as f:
        return pickle.load(f)


def name_words(name):
    """Returns the set of a name's words: runs of ASCII letters, digits and ', in lower case; no number,
    roman numeral or single character."""
    words = re.findall(r"[a-z0-9']+", re.sub(r"[A-Z]", lambda m: m[0].lower(), name or ""))
    return {w for w in words if len(w) > 1 and not w.isdigit() and w not in NUMERALS}


def name_vectors(appids):
    """Returns the games' IDF-weighted name word vectors (IDF over the whole catalog), each of length 1."""
    with open(os.path.join(data_dir(), "catalog.csv")) as f:
        rows = {int(r["appid"]): r for r in csv.DictReader(f)}
    catalog = Counter(w for row in rows.values() for w in name_words(row.get("name")))
    vocabulary = {w: i for i, w in enumerate(catalog)}
    v = np.zeros((len(appids), len(vocabulary)))
    for g, a in enumerate(appids):
        for w in name_words(rows.get(a, {}).get("name")):
            v[g, vocabulary[w]] = np.log(len(rows) / catalog[w])
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def key_incidence(key_sets):
    """Returns the games x keys 0/1 matrix of a kind's keys."""
    index = {}
    rows, cols = [], []
    for g, ks in enumerate(key_sets):
        for k in ks:
            rows.append(g)
            cols.append(index.setdefault(k, len(index)))
    return np.asarray(sp.csr_matrix((np.ones(len(rows)), (rows, cols)), (len(key_sets), max(len(index), 1))).toarray())


def facts(appids):
    """Returns {kind: games x features} for 'studio' (developer and publisher keys), 'series', 'names'."""
    keys = catalog_keys(appids)
    return {"studio": np.hstack([key_incidence(keys["developer"]), key_incidence(keys["publisher"])]),
            "series": key_incidence(keys["series"]),
            "names": name_vectors(appids)}


def shared(features):
    """Returns games x games: 1 where two games share a key (for 0/1 keys), the cosine for name vectors;
    the diagonal 0."""
    s = features @ features.T
    np.fill_diagonal(s, 0)
    return s


def release_years(appids):
    """Returns the games x release years 0/1 matrix (a game without a date has no row set)."""
    rows = catalog_rows()
    years = [{(rows.get(a, {}).get("release_date") or "")[:4]} - {""} for a in appids]
    return key_incidence(years)


def rdlae_on(gram, lam=LAM, dropout=DROPOUT):
    """Returns RDLAE's kept weights on a Gram."""
    inverse, extra = emphasised_inverse(gram, lam, dropout)
    return keep_largest(relaxed_weights(inverse, extra, XI), KEEP)


def chosen_gram(gram, grams):
    """Returns the Gram of the second round's choice, n 2, a 1, s 2 (each weight squared): the server's
    default model, collective EASE."""
    return gram + 4 * grams["names"] + grams["studio"] + 4 * grams["series"]


def collective(gram, appids):
    """Returns the second round's choice's kept weights (rerank.py's base with STEAM_REC_RERANK_BASE=collective)."""
    f = facts(appids)
    return rdlae_on(chosen_gram(gram, {kind: f[kind] @ f[kind].T for kind in f}))


def candidates(x, appids, only):
    """Yields (name, weights) for every candidate."""
    want = lambda name: not only or any(name.startswith(o) or o.startswith(name) for o in only)
    gram = (x.T @ x).toarray()
    yield EASE, keep_largest(zero_diagonal_weights(emphasised_inverse(gram, 50, 0)[0]), KEEP)
    base = rdlae_on(gram)
    yield RDLAE, base
    f = facts(appids)
    # the number of developer and publisher keys shared, at most 2 (one of each kind, as the core counts)
    dev_pub = np.minimum(shared(f["studio"]), 2)
    series, names = (shared(f["series"]) > 0).astype(float), shared(f["names"])
    scale = np.median(np.abs(base).max(1))
    owners = np.diag(gram)
    mixes = [(a, s, n) for a, s, n in ((0.05, 0, 0), (0.1, 0, 0), (0.2, 0, 0), (0, 0.1, 0), (0, 0.3, 0), (0, 1, 0),
                                       (0, 0, 0.1), (0, 0, 0.3), (0, 0, 1), (0.05, 0.3, 0.3), (0.1, 0.3, 0.3),
                                       (0.1, 1, 0.3))]
    for a, s, n in mixes:
        name = "lists a%g s%g n%g" % (a, s, n)
        if want(name):
            c = a * dev_pub + s * series + n * names
            yield name, keep_largest(base + scale * c, KEEP)
    for a, s, n in ((0.1, 0.3, 0.3), (0.2, 1, 1)):
        c = a * dev_pub + s * series + n * names
        for m in (5, 20):
            name = "cold a%g s%g n%g m%g" % (a, s, n, m)
            if want(name):
                yield name, keep_largest(base + scale * c / (1 + owners / m)[None, :], KEEP)
    for kinds in (("studio",), ("series",), ("names",), ("studio", "series", "names")):
        k = np.hstack([f[kind] for kind in kinds])
        kk = k @ k.T  # the facts as rows of X add K K' to the Gram
        for weight in (1, 3, 10):
            name = "collective f%g %s" % (weight, "+".join(kinds))
            if want(name):
                yield name, rdlae_on(gram + weight ** 2 * kk)
    # the second round, around the first's best on validation seed 1 (names at 3, studios at 1)
    grams = {kind: f[kind] @ f[kind].T for kind in f}
    for n, a, s in ((2, 0, 0), (4, 0, 0), (3, 1, 0), (3, 0, 1), (3, 0, 2), (3, 1, 1), (2, 1, 2), (3, 0.5, 1), (0, 1, 1),
                    (0, 1, 2)):
        name = "kinds n%g a%g s%g" % (n, a, s)
        if want(name):
            yield name, rdlae_on(gram + n ** 2 * grams["names"] + a ** 2 * grams["studio"] + s ** 2 * grams["series"])
    chosen = chosen_gram(gram, grams)
    if not only or any(o.startswith("more") for o in only):
        tags = tag_vectors(appids, load()[1])
        years = release_years(appids)
        for t, y in ((0.5, 0), (1, 0), (2, 0), (3, 0), (4, 0), (0, 0.5), (0, 1), (1, 0.5)):
            name = "more t%g y%g" % (t, y)
            if want(name):
                yield name, rdlae_on(chosen + t ** 2 * tags @ tags.T + y ** 2 * years @ years.T)
        for lam, p in ((30, 0.4), (80, 0.4), (50, 0.3), (50, 0.5)):
            name = "more lam%g p%g" % (lam, p)
            if want(name):
                yield name, rdlae_on(chosen, lam, p)
    for n in (0.5, 2):
        name = "lists a0 s0 n%g" % n
        if want(name):
            yield name, keep_largest(base + scale * n * names, KEEP)
    for n, s in ((0.5, 0.3), (1, 0.3)):
        name = "lists a0 s%g n%g" % (s, n)
        if want(name):
            yield name, keep_largest(base + scale * (s * series + n * names), KEEP)


def main_measure(split, rest):
    only = rest[rest.index("--only") + 1:] if "--only" in rest else []
    seeds = [int(s) for s in (rest[:rest.index("--only")] if "--only" in rest else rest)]
    for seed in seeds:
        x, exclude, held, appids = fold(seed, split == "val")
        for name, weights in candidates(x, appids, only):
            r, n = mean_quality(fast_top(np.asarray(x @ weights), exclude), held)
            print("%s\t%d\t%s\t%.4f\t%.4f" % (split, seed, name, r, n), flush=True)


def main_summary(paths):
    """Prints the markdown table: per candidate and split, mean +- sd over seeds and ratios paired by seed."""
    rows = defaultdict(dict)
    for path in paths:
        for line in open(path):
            split, seed, name, r, n = line.rstrip("\n").split("\t")
            rows[(split, name)][int(seed)] = (float(r), float(n))
    names = sorted({name for _, name in rows}, key=lambda s: (s not in (EASE, RDLAE), s != EASE, s))
    sd = lambda a: a.std(ddof=1) if len(a) > 1 else 0

    def ratios(split, name, against):
        got, base = rows.get((split, name), {}), rows.get((split, against), {})
        seeds = sorted(s for s in got if s in base)
        return seeds, np.array([[got[s][i] / base[s][i] for i in (0, 1)] for s in seeds]).reshape(-1, 2)

    chosen = {}
    for name in names:
        seeds, r = ratios("val", name, EASE)
        if len(seeds) == 5 and name not in (EASE, RDLAE):
            score = min(r[:, 0].mean(), r[:, 1].mean())
            if name.split()[0] not in chosen or score > chosen[name.split()[0]][0]:
                chosen[name.split()[0]] = (score, name)
    marked = {name for _, name in chosen.values()}
    print("| candidate | split | R@20 / NDCG@20 | x EASE (wins) | x RDLAE (wins) |")
    print("| --- | --- | ---: | ---: | ---: |")
    for split in ("val", "test"):
        for name in names:
            got = rows.get((split, name))
            if not got:
                continue
            q = np.array([got[s] for s in sorted(got)])
            note = "" if len(got) == 5 else " (seeds %s)" % ",".join(map(str, sorted(got)))
            cells = ["%.4f / %.4f%s" % (q[:, 0].mean(), q[:, 1].mean(), note)]
            for against in (EASE, RDLAE):
                _, r = ratios(split, name, against)
                cells.append("%.4f ± %.4f / %.4f ± %.4f (%d, %d)" % (
                    r[:, 0].mean(), sd(r[:, 0]), r[:, 1].mean(), sd(r[:, 1]), (r[:, 0] > 1).sum(), (r[:, 1] > 1).sum()))
            print("| %s%s | %s | %s |" % (name, " *" if name in marked else "", split, " | ".join(cells)))


if __name__ == "__main__":
    if sys.argv[1] == "summary":
        main_summary(sys.argv[2:])
    else:
        main_measure(sys.argv[1], sys.argv[2:])
