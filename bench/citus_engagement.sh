#!/usr/bin/env bash
# refresh_engagement() and refresh_recommendations() on a throwaway Citus
# cluster (coordinator + 2 workers on this machine) against a single-node
# database of the coordinator's server, on the same synthetic data
# (bench/generate_steam.py at SCALE, seed 42), and what the statistics pass of
# refresh_engagement() moves to the coordinator: its per-shard counts per
# (game, hours) against every row, as the pass read before (Citus's own
# EXPLAIN ANALYZE counters, "Tuple data received from node", every task).
# In phases, so that each timed part holds the shared test lock briefly:
#   bench/citus_engagement.sh load DIR SCALE   start a cluster in DIR, load both, train itemknn on both
#   bench/citus_engagement.sh bytes DIR        rows, counts and bytes of the statistics pass, old and new query
#   bench/citus_engagement.sh time DIR ROUNDS STEP...
#        STEP: first (the first refresh_engagement, scores every row; once), again (refresh_engagement,
#        nothing to change), statistics (the statistics query alone, rows against counts, cluster),
#        recommendations (refresh_recommendations(NULL, 10)); single node and cluster interleaved
#   bench/citus_engagement.sh stop DIR
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
phase=${1:?phase}
dir=${2:?directory}

if [ "$phase" = load ]; then
  tools/citus_cluster.sh start "$dir" >/dev/null
fi
if [ "$phase" = stop ]; then
  tools/citus_cluster.sh stop "$dir"
  exit 0
fi
. "$dir/env"
run() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$dir" -U postgres -p "$COORDINATOR_PORT" "$@"; }

. bench/timing_lib.sh

# The statistics pass's query before (every row) and now (counts per shard).
ROWS_QUERY="SELECT user_steam_id, appid, playtime_hours, playtime_2weeks_hours, last_played FROM steam_rec.user_games"
COUNTS_QUERY="SELECT appid, playtime_hours, count(*) FROM steam_rec.user_games GROUP BY appid, playtime_hours"

case "$phase" in
  load)
    scale=${3:?scale}
    run -d postgres -c "CREATE DATABASE single_node"
    run -d single_node -c "CREATE EXTENSION steam_rec"
    run -d steam_rec -c "SELECT steam_rec.distribute()" >/dev/null
    # As bench/citus_train.sh: one connection per node, the trigger switched off and on.
    for db in single_node steam_rec; do
      PGHOST=$dir PGPORT=$COORDINATOR_PORT PGUSER=postgres \
        PGOPTIONS="-c citus.multi_shard_modify_mode=sequential -c citus.enable_unsafe_triggers=on" \
        /usr/bin/python3 bench/generate_steam.py --scale "$scale" --dbname "$db" >&2
      run -d "$db" -c "SELECT steam_rec.train('itemknn')" >/dev/null
    done
    echo "loaded $scale into $dir"
    ;;
  bytes)
    # received SQL: the bytes every task of SQL sent to the coordinator.
    received() {
      run -d steam_rec -c "SET citus.explain_all_tasks = on" -c "EXPLAIN (ANALYZE, SUMMARY OFF, TIMING OFF) $1" |
        sed -n 's/.*Tuple data received from node: \([0-9]*\) \(bytes\|kB\|MB\).*/\1 \2/p' |
        awk '{b += $1 * ($2 == "kB" ? 1024 : ($2 == "MB" ? 1048576 : 1))} END {printf "%d\n", b}'
    }
    rows=$(run -d steam_rec -c "SELECT count(*) FROM steam_rec.user_games")
    games=$(run -d steam_rec -c "SELECT count(DISTINCT appid) FROM steam_rec.user_games")
    shard_counts=$(run -d steam_rec -c "SELECT sum(result::bigint) FROM run_command_on_shards('steam_rec.user_games',
                     \$\$SELECT count(*) FROM (SELECT DISTINCT appid, playtime_hours FROM %s) AS c\$\$)")
    all_counts=$(run -d steam_rec -c "SELECT count(*) FROM (SELECT DISTINCT appid, playtime_hours FROM steam_rec.user_games) AS c")
    rows_bytes=$(received "$ROWS_QUERY")
    counts_bytes=$(received "$COUNTS_QUERY")
    table_bytes=$(run -d steam_rec -c "SELECT citus_table_size('steam_rec.user_games')")
    echo "rows $rows, games $games; user_games on the workers $table_bytes bytes"
    echo "distinct (game, hours): per shard summed $shard_counts, over all rows $all_counts"
    echo "bytes received: every row (before) $rows_bytes ($(echo "$rows_bytes / $rows" | bc -l | xargs printf '%.1f') per row);" \
         "counts (now) $counts_bytes ($(echo "$counts_bytes / $shard_counts" | bc -l | xargs printf '%.1f') per count," \
         "$(echo "100 * $counts_bytes / $rows_bytes" | bc -l | xargs printf '%.1f')% of before)"
    ;;
  time)
    rounds=${3:?rounds}; shift 3
    declare -A times
    for round in $(seq "$rounds"); do
      for step in "$@"; do
        case "$step" in
          first | again)
            for db in single_node steam_rec; do
              times[$step/$db]="${times[$step/$db]:-} $(seconds "$db" "SELECT steam_rec.refresh_engagement()")"
            done ;;
          statistics)
            # EXPLAIN ANALYZE runs the query and receives its rows on the
            # coordinator, without sending them on to psql.
            times[$step/rows]="${times[$step/rows]:-} $(seconds steam_rec "EXPLAIN (ANALYZE, SUMMARY OFF, TIMING OFF) $ROWS_QUERY")"
            times[$step/counts]="${times[$step/counts]:-} $(seconds steam_rec "EXPLAIN (ANALYZE, SUMMARY OFF, TIMING OFF) $COUNTS_QUERY")" ;;
          recommendations)
            for db in single_node steam_rec; do
              times[$step/$db]="${times[$step/$db]:-} $(seconds "$db" "SELECT steam_rec.refresh_recommendations(NULL, 10)")"
            done ;;
        esac
      done
      echo "round $round done" >&2
    done
    for key in "${!times[@]}"; do
      printf '%s: median %.2f s of%s\n' "$key" "$(median <<<"${times[$key]}")" "${times[$key]}"
    done | sort
    ;;
  *) echo "usage: bench/citus_engagement.sh {load DIR SCALE|bytes DIR|time DIR ROUNDS STEP...|stop DIR}" >&2; exit 2 ;;
esac
