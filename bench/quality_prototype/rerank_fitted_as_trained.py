#!/usr/bin/python3
"""rerank_search.py's re-ranker fitted as train() must fit it, with and without the base
model's first place kept.

rerank_search.py fits on the `fixed` folds, where each player's test games are neither trained
on nor ranked; train() cannot know them, so here the fit reads the `validation` folds instead
(the same split, the test games ranked as games the player does not own, counted against), and
each fit is measured as served: every place re-ordered (`keep0`) or the base model's first kept
first (`keep1`). For comparison each configuration is also fitted on the `fixed` folds
(`set-aside`). The validation split is measured two-fold over players on the `fixed` folds, as
evaluate(validation => true) measures it; the test split with the fit over every validation
player. Prints summarise.py's lines (split, seed, name, Recall@20, NDCG@20), the base model's
own order named `base`.  Usage:
  STEAM_REC_RERANK_BASE=collective rerank_fitted_as_trained.py SEED[,SEED...] CONFIG...
with CONFIG as rerank_search.py's (`features:objective[:quad]`).  Each seed builds three
folds (several minutes each on one core) unless rerank.py's fold cache has them."""
import sys

import numpy as np

import rerank
import rerank_search
from eval_split import data_dir


def main():
    seeds = [int(s) for s in sys.argv[1].split(",")]
    configs = sys.argv[2:]
    fold = rerank.FoldReader(rerank.load_catalog(data_dir())).fold

    def served(scores, kept):
        def order(u):
            by_model = np.argsort(-scores[u], kind="stable")
            return np.concatenate([np.arange(kept), by_model[by_model >= kept]])
        return order

    def line(split, seed, name, quality):
        print("%s\t%d\t%s\t%.4f\t%.4f" % (split, seed, name, quality[0], quality[1]), flush=True)

    for seed in seeds:
        as_trained, set_aside, test = fold(seed, "validation"), fold(seed, "fixed"), fold(seed, "test")
        validation_players = np.arange(len(set_aside.held))
        test_players = np.arange(len(test.held))
        base_order = lambda u: np.arange(rerank.CANDIDATES)
        line("val", seed, "base", rerank.measure(set_aside, validation_players, base_order))
        line("test", seed, "base", rerank.measure(test, test_players, base_order))
        for config in configs:
            features, objective, *extra = config.split(":")
            quad = "quad" in extra
            for source_name, source in (("as trained", as_trained), ("set-aside", set_aside)):
                chosen = rerank_search.feature_set(features, source.names)
                halves = [validation_players[validation_players % 2 == i] for i in (0, 1)]
                validation_scores = np.zeros(set_aside.labels.shape)
                for a, b in ((0, 1), (1, 0)):
                    model = rerank_search.fit(source, halves[a], chosen, objective, quad)
                    validation_scores[halves[b]] = model(set_aside)[halves[b]]
                test_scores = rerank_search.fit(source, np.arange(len(source.held)), chosen, objective, quad)(test)
                for kept in (0, 1):
                    name = "%s %s keep%d" % (config, source_name, kept)
                    validation_order, test_order = served(validation_scores, kept), served(test_scores, kept)
                    line("val", seed, name, rerank.measure(set_aside, validation_players, validation_order))
                    line("test", seed, name, rerank.measure(test, test_players, test_order))


if __name__ == "__main__":
    main()
