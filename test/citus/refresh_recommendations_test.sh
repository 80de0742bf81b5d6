#!/usr/bin/env bash
# refresh_recommendations() of every player on the Citus cluster: each worker
# refreshes the players of its own shards, and the stored lists equal the
# single node's for the same data and model parameters (same appids in the
# same order, scores within 1e-5: the two models are trained separately).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

ALGORITHM=${CITUS_TEST_ALGORITHM:-hybrid}
K=10

sample_on_cluster_and_single_node "$ALGORITHM"

single_rows=$(single -c "SELECT steam_rec.refresh_recommendations(NULL, $K)")
cluster_rows=$(coordinator -c "SELECT steam_rec.refresh_recommendations(NULL, $K)")
assert_true "the single node wrote lists" "[ $single_rows -gt 0 ]"
assert_equal "the cluster's refresh reports as many rows as the single node's" "$single_rows" "$cluster_rows"

lists="SELECT user_steam_id || '|' || rank || '|' || appid || '|' || score
         FROM steam_rec.recommendations ORDER BY user_steam_id, rank"
single_list=$(mktemp); cluster_list=$(mktemp)
trap 'rm -f "$single_list" "$cluster_list"' EXIT
single -c "$lists" >"$single_list"
coordinator -c "$lists" >"$cluster_list"
differences=$(python3 - "$single_list" "$cluster_list" <<'PY'
import sys
one, two = ([line.split('|') for line in open(f).read().split()] for f in sys.argv[1:3])
bad = [(a, b) for a, b in zip(one, two)
       if a[:3] != b[:3] or abs(float(a[3]) - float(b[3])) > 1e-5]
if len(one) != len(two) or not one:
    bad.append(('rows', len(one), len(two)))
for b in bad[:5]:
    print(b, file=sys.stderr)
print(len(bad))
PY
)
assert_equal "every stored list equals the single node's (appids, order, scores within 1e-5)" "0" "$differences"

# Each worker wrote the lists of its own players: both hold rows in their
# recommendations shards, together all of them.
per_worker=$(coordinator -c "SELECT string_agg(n::text, ' ' ORDER BY nodeport) FROM
                               (SELECT nodeport, sum(result::bigint) AS n
                                  FROM run_command_on_shards('steam_rec.recommendations', 'SELECT count(*) FROM %s')
                                  JOIN pg_dist_shard_placement USING (shardid) GROUP BY nodeport) AS w")
assert_true "both workers hold refreshed lists, $single_rows rows in all ($per_worker)" \
  "[ \$(wc -w <<<'$per_worker') = 2 ] && [ \$(( \${per_worker// /+} )) = $single_rows ]"

# A second refresh replaces the lists rather than adding to them, and one
# player's refresh still goes to its worker.
log=$(coordinator -c "SET citus.log_remote_commands = on" -c "SELECT steam_rec.refresh_recommendations(NULL, $K)" 2>&1)
assert_equal "the refresh is sent to every shard, on both workers" "32 $WORKER1_PORT $WORKER2_PORT" \
  "$(grep -c 'issuing .*steam_rec.refresh_recommendations(' <<<"$log") $(grep -A1 'issuing .*steam_rec.refresh_recommendations(' <<<"$log" |
      grep -o 'on server postgres@[^ ]*' | grep -o '[0-9]*$' | sort -u | tr '\n' ' ' | sed 's/ $//')"
assert_equal "a second refresh leaves one list per player" "$single_rows" \
  "$(coordinator -c "SELECT count(*) FROM steam_rec.recommendations")"
player=$(single -c "SELECT min(steam_id) FROM steam_rec.users")
assert_equal "one player's refresh on the cluster writes k rows" "$K" \
  "$(coordinator -c "SELECT steam_rec.refresh_recommendations($player, $K)")"
