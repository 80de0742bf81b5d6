#!/usr/bin/python3
"""Summarises linear_candidates.py's lines into one table row per candidate.

Reads the tab-separated lines (split, seed, name, recall, ndcg) from the files
given, and prints per candidate and split the mean +- sd over seeds and the
ratios to "ease lam50" paired by seed (mean +- sd, wins = seeds above).  Within
each family (the name's first word) the candidate with the largest validation
min(recall ratio, NDCG ratio) is marked "*": the one validation chooses.
"""
import sys
from collections import defaultdict

import numpy as np

BASE = "ease lam50"


def main():
    """Prints the markdown table."""
    rows = defaultdict(dict)
    for path in sys.argv[1:]:
        for line in open(path):
            split, seed, name, r, n = line.rstrip("\n").split("\t")
            rows[(split, name)][int(seed)] = (float(r), float(n))
    names = sorted({name for _, name in rows}, key=lambda s: (s != BASE, s))

    def stats(split, name):
        got, base = rows.get((split, name), {}), rows.get((split, BASE), {})
        seeds = sorted(s for s in got if s in base)
        if not seeds:
            return None
        q = np.array([got[s] for s in seeds])
        ratio = np.array([[got[s][i] / base[s][i] for i in (0, 1)] for s in seeds])
        return seeds, q, ratio

    chosen = {}
    for name in names:
        v = stats("val", name)
        if v and len(v[0]) == 5:
            score = min(v[2][:, 0].mean(), v[2][:, 1].mean())
            family = name.split()[0] + (" blend" if "blend" in name else "")
            if family not in chosen or score > chosen[family][0]:
                chosen[family] = (score, name)
    marked = {name for _, name in chosen.values()}

    print("| candidate | validation R@20 / NDCG@20 | x EASE (validation; wins) | test R@20 / NDCG@20 | x EASE (test; wins) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in names:
        cells = []
        for split in ("val", "test"):
            s = stats(split, name)
            if s is None:
                cells += ["", ""]
                continue
            seeds, q, ratio = s
            note = "" if len(seeds) == 5 else " (seeds %s)" % ",".join(map(str, seeds))
            cells.append("%.4f ± %.4f / %.4f ± %.4f%s" % (q[:, 0].mean(), q[:, 0].std(ddof=1) if len(seeds) > 1 else 0,
                                                       q[:, 1].mean(), q[:, 1].std(ddof=1) if len(seeds) > 1 else 0, note))
            sd = lambda a: a.std(ddof=1) if len(a) > 1 else 0
            cells.append("%.4f ± %.4f / %.4f ± %.4f (%d, %d)" % (
                ratio[:, 0].mean(), sd(ratio[:, 0]), ratio[:, 1].mean(), sd(ratio[:, 1]),
                (ratio[:, 0] > 1).sum(), (ratio[:, 1] > 1).sum()))
        print("| %s%s | %s |" % (name, " *" if name in marked else "", " | ".join(cells)))


if __name__ == "__main__":
    main()
