#!/usr/bin/python3
"""Summarises beyond_rdlae.py --engaged lines into one table row per candidate.

Each line: split, seed, name, 'owned' Recall@20 / NDCG@20, 'engaged' Recall@20 / NDCG@20 and
popularity's 'engaged' Recall@20. Per candidate and split: 'engaged' quality (mean +- sd over
the seeds), its recall over popularity's, and its 'owned' recall over EASE's and over RDLAE's
(the default today and the one being made the default), each ratio paired by seed.
"""
import sys
from collections import defaultdict

import numpy as np


def main():
    """Prints the markdown table."""
    rows = defaultdict(dict)
    for path in sys.argv[1:]:
        for line in open(path):
            split, seed, name, *values = line.rstrip("\n").split("\t")
            rows[(split, name)][int(seed)] = [float(v) for v in values]
    names = list(dict.fromkeys(name for _, name in rows))
    print("| candidate | split | 'engaged' R@20 / NDCG@20 | x popularity (R@20) | 'owned' R@20 x EASE | x RDLAE |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    sd = lambda a: a.std(ddof=1) if len(a) > 1 else 0.0
    for split in ("val", "test"):
        for name in names:
            got = rows.get((split, name))
            if not got:
                continue
            seeds = sorted(got)
            q = np.array([got[s] for s in seeds])
            pop = q[:, 2] / q[:, 4]
            cells = ["%.4f ± %.4f / %.4f ± %.4f" % (q[:, 2].mean(), sd(q[:, 2]), q[:, 3].mean(), sd(q[:, 3])),
                     "%.3f ± %.3f" % (pop.mean(), sd(pop))]
            for base in ("ease", "rdlae"):
                ref = rows.get((split, base), {})
                r = np.array([got[s][0] / ref[s][0] for s in seeds if s in ref])
                cells.append("%.3f ± %.3f" % (r.mean(), sd(r)) if len(r) else "")
            note = "" if len(seeds) == 5 else " (seeds %s)" % ",".join(map(str, seeds))
            print("| %s | %s%s | %s |" % (name, split, note, " | ".join(cells)))


if __name__ == "__main__":
    main()
