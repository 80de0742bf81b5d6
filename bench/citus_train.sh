#!/usr/bin/env bash
# Training and refreshes on a throwaway Citus cluster (coordinator + 2 workers
# on this machine) against a single-node database of the coordinator's server,
# on the same synthetic data (bench/generate_steam.py at SCALE), and the bytes
# the coordinator receives from the workers during train(), from Citus's own
# EXPLAIN ANALYZE counters ("Tuple data received from nodes"), against the
# size of user_games.  Runs interleave single node and cluster, ROUNDS times;
# prints the medians as Markdown.
#   bench/citus_train.sh [SCALE] [ROUNDS] [ALGORITHMS] [REFRESHES]
#   defaults: S 3 "itemknn hybrid" yes; REFRESHES=no times train() only (for M).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCALE=${1:-S}
ROUNDS=${2:-3}
ALGORITHMS=${3:-itemknn hybrid}
REFRESHES=${4:-yes}
dir=$(mktemp -d /tmp/steam_rec_citus_bench.XXXXXX); rmdir "$dir"
trap 'tools/citus_cluster.sh stop "$dir"' EXIT
tools/citus_cluster.sh start "$dir" >/dev/null
. "$dir/env"
run() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$dir" -U postgres -p "$COORDINATOR_PORT" "$@"; }
run -d postgres -c "CREATE DATABASE single_node"
run -d single_node -c "CREATE EXTENSION steam_rec"
run -d steam_rec -c "SELECT steam_rec.distribute()" >/dev/null
# The loader writes users, then the reference tables tied to them by foreign
# keys, in one transaction: Citus allows that over one connection per node;
# it switches the engagement trigger off and on, which Citus allows on a
# distributed table only with citus.enable_unsafe_triggers.
for db in single_node steam_rec; do
  loaded=$(PGHOST=$dir PGPORT=$COORDINATOR_PORT PGUSER=postgres PGOPTIONS="-c citus.multi_shard_modify_mode=sequential -c citus.enable_unsafe_triggers=on" \
             /usr/bin/python3 bench/generate_steam.py --scale "$SCALE" --dbname "$db")
  echo "load $db: $loaded" >&2
done

. bench/timing_lib.sh

# The loader leaves the engagement scores to a refresh: the first one scores
# every row (timed once); the ones in the rounds find nothing to change.
declare -A first
[ "$REFRESHES" = no ] ||
  for db in single_node steam_rec; do first[$db]=$(seconds "$db" "SELECT steam_rec.refresh_engagement()"); done
declare -A times
steps=()
[ "$REFRESHES" = no ] || steps+=("refresh_engagement, again (nothing to change)|SELECT steam_rec.refresh_engagement()")
for algorithm in $ALGORITHMS; do steps+=("train('$algorithm')|SELECT steam_rec.train('$algorithm')"); done
[ "$REFRESHES" = no ] || steps+=("refresh_recommendations|SELECT steam_rec.refresh_recommendations(NULL, 10)")
for round in $(seq "$ROUNDS"); do
  for step in "${steps[@]}"; do
    name=${step%%|*}; sql=${step#*|}
    for db in single_node steam_rec; do
      times[$name/$db]="${times[$name/$db]:-} $(seconds "$db" "$sql")"
    done
  done
  echo "round $round done" >&2
done

# Bytes from the workers for each query train() runs over a distributed table:
# Citus reports each task's bytes; their sum is what reached the coordinator.
received() {
  run -d steam_rec -c "SET citus.explain_all_tasks = on" -c "EXPLAIN (ANALYZE, SUMMARY OFF, TIMING OFF) $1" |
    sed -n 's/.*Tuple data received from node: \([0-9]*\) \(bytes\|kB\|MB\).*/\1 \2/p' |
    awk '{b += $1 * ($2 == "kB" ? 1024 : ($2 == "MB" ? 1048576 : 1))} END {printf "%d\n", b}'
}
rows=$(run -d steam_rec -c "SELECT count(*) FROM steam_rec.user_games")
games=$(run -d steam_rec -c "SELECT count(DISTINCT appid) FROM steam_rec.user_games")
table_bytes=$(run -d steam_rec -c "SELECT citus_table_size('steam_rec.user_games')")
owned_bytes=$(received "SELECT user_steam_id, appid, engagement_score FROM steam_rec.user_games")
count_bytes=$(received "SELECT (SELECT count(*) FROM steam_rec.users), (SELECT count(*) FROM (SELECT DISTINCT appid FROM steam_rec.user_games) AS g), (SELECT count(*) FROM steam_rec.user_games)")
model_bytes=$(run -d steam_rec -c "SELECT sum(pg_column_size(g)) FROM steam_rec.model_games AS g
                                    WHERE model_id = (SELECT id FROM steam_rec.models WHERE active)")

# What per-shard partial game x game sums would ship instead: one sparse
# co-occurrence matrix per shard (Citus combines an aggregate's partial states
# per shard task), i.e. its distinct game pairs, 16 bytes each (two appids and
# a float8).  Exact at S by a self-join on each shard; at M only the bounds
# (pairs of co-owned games per shard, counted with repeats, and games^2 / 2 per
# shard), since the self-join would take longer than the benchmark.
pair_bounds=$(run -d steam_rec -c "SELECT sum(result::numeric)::bigint FROM run_command_on_placements('steam_rec.user_games',
  \$\$SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*)::numeric AS n FROM %1\$s GROUP BY user_steam_id) AS l\$\$)")
shards=$(run -d steam_rec -c "SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'steam_rec.user_games'::regclass")
if [ "$SCALE" = S ]; then
  shard_pairs=$(run -d steam_rec -c "SELECT sum(result::bigint) FROM run_command_on_placements('steam_rec.user_games',
    \$\$SELECT count(*) FROM (SELECT DISTINCT a.appid, b.appid FROM %1\$s a JOIN %1\$s b USING (user_steam_id)
                              WHERE a.appid < b.appid) AS pairs\$\$)")
  all_pairs=$(run -d single_node -c "SELECT count(*) FROM (SELECT a.appid, b.appid FROM steam_rec.user_games a
    JOIN steam_rec.user_games b USING (user_steam_id) WHERE a.appid < b.appid GROUP BY 1, 2) AS pairs")
fi

echo "### Scale $SCALE: $rows owned games, $games games, $(run -d steam_rec -c "SELECT count(*) FROM steam_rec.users") players; median of $ROUNDS runs (seconds)"
echo
echo "| step | single node | cluster (coordinator + 2 workers) | cluster / single |"
echo "| --- | ---: | ---: | ---: |"
[ "$REFRESHES" = no ] ||
  printf '| refresh_engagement, first (scores every row, once) | %.2f | %.2f | %.2f |\n' "${first[single_node]}" "${first[steam_rec]}" \
    "$(echo "${first[steam_rec]} / ${first[single_node]}" | bc -l)"
for step in "${steps[@]}"; do
  name=${step%%|*}
  one=$(median <<<"${times[$name/single_node]}"); two=$(median <<<"${times[$name/steam_rec]}")
  printf '| %s | %.2f | %.2f | %.2f |\n' "$name" "$one" "$two" "$(echo "$two / $one" | bc -l)"
done
echo
echo "Bytes the coordinator receives from the workers during train(): reading every owned game"
echo "$owned_bytes bytes ($(echo "$owned_bytes / $rows" | bc -l | xargs printf '%.1f') per row), sizing the data $count_bytes bytes;"
echo "user_games on the workers: $table_bytes bytes; the active model's rows, which the coordinator writes to every node's copy: $model_bytes bytes."
echo "Per-shard partial sums instead ($shards shards): co-owned pairs counted with repeats $pair_bounds, at most $((shards * games * (games - 1) / 2)) distinct;"
[ "$SCALE" != S ] || echo "distinct pairs per shard summed: $shard_pairs ($((shard_pairs * 16)) bytes at 16 per pair); distinct pairs over all players: $all_pairs."
