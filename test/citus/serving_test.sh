#!/usr/bin/env bash
# recommend() on the Citus cluster runs on the worker that holds the player,
# and gives the single-node lists: same data, same model parameters, same
# appids in the same order, scores within 1e-5 (the two models are trained
# separately, so sums may be added in another order).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

ALGORITHM=${CITUS_TEST_ALGORITHM:-hybrid}

# The single node: a database of the coordinator's server without citus.
sample_on_cluster_and_single_node "$ALGORITHM"

# Every 10th player, in both: rank|appid|score of their top 10.
players=$(single -c "SELECT string_agg(steam_id::text, ' ' ORDER BY steam_id) FROM
                       (SELECT steam_id, row_number() OVER (ORDER BY steam_id) AS n FROM steam_rec.users) AS p
                      WHERE n % 10 = 1")
single_list=$(mktemp); cluster_list=$(mktemp)
trap 'rm -f "$single_list" "$cluster_list"' EXIT
compared=0
for player in $players; do
  query="SELECT rank || '|' || appid || '|' || score FROM steam_rec.recommend($player, 10) ORDER BY rank"
  single -c "$query" >"$single_list"
  coordinator -c "$query" >"$cluster_list"
  differences=$(python3 - "$single_list" "$cluster_list" <<'PY'
import sys
one, two = ([line.split('|') for line in open(f).read().split()] for f in sys.argv[1:3])
bad = len(one) != len(two) or len(one) == 0
for a, b in zip(one, two):
    bad = bad or a[0] != b[0] or a[1] != b[1] or abs(float(a[2]) - float(b[2])) > 1e-5
print(1 if bad else 0)
PY
)
  if [ "$differences" != 0 ]; then
    echo "player $player: single node / cluster"; paste "$single_list" "$cluster_list"
  fi
  assert_equal "player $player: the cluster's list equals the single node's" "0" "$differences" >/dev/null
  compared=$((compared + 1))
done
assert_true "$compared sampled players: same appids, same order, scores within 1e-5" "[ $compared -ge 15 ]"

# The call is delegated whole to one worker, which reads its own shard.
player=$(echo "$players" | cut -d' ' -f1)
log=$(coordinator -c "SET citus.log_remote_commands = on" \
        -c "SELECT count(*) FROM steam_rec.recommend($player, 10)" 2>&1)
assert_true "recommend() through the coordinator runs on one worker" \
  "[ \$(grep -c 'issuing SELECT .*steam_rec.recommend(' <<<\"\$log\") = 1 ]"
worker=$(grep -o 'on server postgres@[^ ]*' <<<"$log" | head -1 | grep -o '[0-9]*$')
assert_equal "the worker it ran on holds the player" "1" \
  "$(coordinator -c "SELECT count(*) FROM pg_dist_shard_placement p JOIN pg_dist_shard s USING (shardid)
                      WHERE s.shardid = get_shard_id_for_distribution_column('steam_rec.users', $player)
                        AND p.nodeport = $worker")"
assert_equal "recommend() called on that worker directly gives the same list" \
  "$(coordinator -c "SELECT string_agg(appid::text, ',' ORDER BY rank) FROM steam_rec.recommend($player, 10)")" \
  "$(on_node "$worker" -c "SELECT string_agg(appid::text, ',' ORDER BY rank) FROM steam_rec.recommend($player, 10)")"
