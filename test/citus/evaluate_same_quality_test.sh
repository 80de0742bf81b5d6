#!/usr/bin/env bash
# evaluate() on the Citus cluster measures the same quality as on a single
# node with the same data: every algorithm's recall, nDCG, hit rate, coverage
# and number of players within 1e-6, for two seeds (the held-out plays are
# drawn from the rows, which reach the coordinator from the shards in another
# order than a heap scan gives them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

sample_on_cluster_and_single_node

one=$(mktemp); two=$(mktemp)
trap 'rm -f "$one" "$two"' EXIT
# The hybrid as the cluster trains it, without the re-ranker (a cluster does
# not store one; on a single node it is the default).
for seed in 42 7; do
  query="SELECT algorithm, recall, ndcg, hit_rate, coverage, players
           FROM steam_rec.evaluate(k => 5, seed => $seed, params => '{\"hybrid\": {\"rerank_candidates\": 0}}')
          ORDER BY algorithm"
  single -c "$query" 2>/dev/null >"$one"
  coordinator -c "$query" 2>/dev/null >"$two"
  differences=$(python3 - "$one" "$two" <<'PY'
import sys
one, two = ([line.split('|') for line in open(f).read().split()] for f in sys.argv[1:3])
bad = len(one) != len(two) or len(one) < 6
for a, b in zip(one, two):
    bad = bad or a[0] != b[0] or a[5] != b[5] or any(abs(float(x) - float(y)) > 1e-6 for x, y in zip(a[1:5], b[1:5]))
print(1 if bad else 0)
PY
)
  [ "$differences" = 0 ] || { echo "single node / cluster, seed $seed:"; paste "$one" "$two"; }
  assert_equal "seed $seed: evaluate() on the cluster measures every algorithm as the single node does ($(wc -l <"$one") algorithms)" \
    "0" "$differences"
done
