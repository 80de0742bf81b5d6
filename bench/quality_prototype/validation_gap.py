"""Why gains on the validation split shrink on the test split: the validation split
ranks each player's test games as unowned and counts them as misses.  A diagnostic
that reads the test split's membership, so never a way to choose a candidate.
Usage: validation_gap.py DATA_DIR SEEDS (DATA_DIR "" for $STEAM_REC_DATA or its default,
eval_split.py); the folds are rerank.py's, kept in $STEAM_REC_FOLD_CACHE."""
import sys

import numpy as np

import rerank
from eval_split import K, data_dir, list_quality, load


def main():
    data, seeds = sys.argv[1] or data_dir(), [int(s) for s in sys.argv[2].split()]
    plays, tags = load(data)
    catalog = rerank.load_catalog(data)
    ease_order = lambda u: np.arange(rerank.CANDIDATES)
    for seed in seeds:
        val = rerank.cached_fold(plays, seed, "validation", catalog, tags)
        test = rerank.cached_fold(plays, seed, "test", catalog, tags)
        players = np.arange(len(val.held))
        # EASE on validation with the test games left out of each list, and how many
        # of them its top 20 held.
        recall = ndcg = crowded = 0.0
        for u in players:
            ranked = [g for g in val.games[val.cand[u]] if g not in test.held[u]]
            r, n = list_quality(ranked, val.held[u])
            recall, ndcg = recall + r, ndcg + n
            crowded += sum(1 for g in val.games[val.cand[u][:K]] if g in test.held[u])
        print(f"seed {seed}: validation EASE {recall / len(players):.4f} {ndcg / len(players):.4f} without the test "
              f"games; {crowded / len(players):.2f} of them in the top {K}", flush=True)
        # The re-ranker fitted with the test games dropped from its negatives (label -1).
        for u in players:
            for j, i in enumerate(val.cand[u]):
                if val.games[i] in test.held[u]:
                    val.labels[u, j] = -1
        chosen = rerank.variants_of(val.names)["all"]
        base = rerank.measure(test, players, ease_order)
        w, mu, sd = rerank.fit(val, players, chosen, 1.0, "lambda", True)
        r = rerank.measure(test, players, rerank.reranked(test, w, mu, sd, chosen, True))
        print(f"seed {seed} test validation-without-test-games:lambda:all+quad {r[0]:.4f} {r[1]:.4f} "
              f"x {r[0] / base[0]:.4f} {r[1] / base[1]:.4f}", flush=True)


if __name__ == "__main__":
    main()
