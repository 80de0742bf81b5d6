#!/usr/bin/env bash
# train(ALGORITHM) for each of ALGORITHMS on a throwaway Citus cluster
# (coordinator + 2 workers on this machine) by its two paths on the same data
# (bench/generate_steam.py at SCALE): pulling every row to the coordinator
# (steam_rec.train_from_partial_sums = off) and adding the workers' partial
# sums (= on).  Bytes the coordinator
# receives: for the rows, Citus's own EXPLAIN ANALYZE counters ("Tuple data
# received from node"); for the sums, the answers' length as train() reports
# it (DEBUG1).  Times interleave the two paths, ROUNDS times; medians.  Also
# which path 'auto' chooses, and the size of user_games.
#   bench/citus_train_partial_sums.sh [SCALE] [ROUNDS] [REFRESH] [SUMS] [ALGORITHMS]
#   ALGORITHMS: space-separated, default itemknn.
#   REFRESH=no skips the first refresh_engagement() (scores stay NULL).
#   SUMS=size does not train from the sums (at M their answers approach the
#   1 GB limit of one value): each worker computes its part and reports only
#   its length, with its own totals standing in for the added ones (the
#   weights change, the pairs do not).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCALE=${1:-S}
ROUNDS=${2:-3}
REFRESH=${3:-yes}
SUMS=${4:-train}
ALGORITHMS=${5:-itemknn}
dir=$(mktemp -d /tmp/steam_rec_citus_bench.XXXXXX); rmdir "$dir"
trap 'tools/citus_cluster.sh stop "$dir"' EXIT
tools/citus_cluster.sh start "$dir" >/dev/null
. "$dir/env"
run() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$dir" -U postgres -p "$COORDINATOR_PORT" -d steam_rec "$@"; }
run -c "SELECT steam_rec.distribute()" >/dev/null
loaded=$(PGHOST=$dir PGPORT=$COORDINATOR_PORT PGUSER=postgres PGOPTIONS="-c citus.multi_shard_modify_mode=sequential -c citus.enable_unsafe_triggers=on" \
           /usr/bin/python3 bench/generate_steam.py --scale "$SCALE" --dbname steam_rec)
echo "load: $loaded" >&2
[ "$REFRESH" = no ] || run -c "SELECT steam_rec.refresh_engagement()" >/dev/null

# train MODE ALGORITHM: trains with the setting at MODE; prints seconds and
# the log line of the path.
train() {
  local start end log
  start=$(date +%s.%N)
  log=$(run -c "SET steam_rec.train_from_partial_sums = $1" -c "SET client_min_messages = debug1" \
            -c "SELECT steam_rec.train('$2')" 2>&1 | grep -o 'steam_rec train: .*' || true)
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc)|$log"
}
. bench/timing_lib.sh

received() {
  run -c "SET citus.explain_all_tasks = on" -c "EXPLAIN (ANALYZE, SUMMARY OFF, TIMING OFF) $1" |
    sed -n 's/.*Tuple data received from node: \([0-9]*\) \(bytes\|kB\|MB\).*/\1 \2/p' |
    awk '{b += $1 * ($2 == "kB" ? 1024 : ($2 == "MB" ? 1048576 : 1))} END {printf "%d\n", b}'
}
rows=$(run -c "SELECT count(*) FROM steam_rec.user_games")
games=$(run -c "SELECT count(DISTINCT appid) FROM steam_rec.user_games")
players=$(run -c "SELECT count(*) FROM steam_rec.users")
table_bytes=$(run -c "SELECT citus_table_size('steam_rec.user_games')")
row_bytes=$(received "SELECT user_steam_id, appid, engagement_score FROM steam_rec.user_games")

echo "### Scale $SCALE: $players players, $games games owned, $rows owned games; user_games $table_bytes bytes"
echo
echo "Rows path: $row_bytes bytes to the coordinator ($(echo "100 * $row_bytes / $table_bytes" | bc -l | xargs printf '%.1f')% of user_games, $(echo "$row_bytes / $rows" | bc -l | xargs printf '%.1f') per owned game), whatever the algorithm."
echo
echo "| algorithm | partial sums: bytes | of rows | entries | rows s | sums s | auto |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
for algorithm in $ALGORITHMS; do
  declare -A times=()
  sums_log=
  for round in $(seq "$ROUNDS"); do
    modes="off on"; [ "$SUMS" = train ] || modes=off
    for mode in $modes; do
      result=$(train $mode "$algorithm")
      times[$mode]="${times[$mode]:-} ${result%%|*}"
      [ $mode = off ] || sums_log=${result#*|}
    done
    echo "$algorithm: round $round done" >&2
  done
  auto_log=$(train auto "$algorithm"); auto_log=${auto_log#*|}
  auto=rows; grep -q 'partial sums' <<<"$auto_log" && auto=sums
  if [ "$SUMS" = train ]; then
    sum_bytes=$(grep -o '[0-9]* bytes received' <<<"$sums_log" | grep -o '^[0-9]*')
    pairs=$(grep -o '[0-9]* pairs' <<<"$sums_log" | grep -o '^[0-9]*')
    on=$(median <<<"${times[on]}" | xargs printf '%.2f')
  else
    # Per worker: the encoded answers' bytes (4/3 of them as base64 text on
    # the wire), its own totals standing in for the added ones.
    totals="steam_rec.owned_game_totals('$algorithm')"
    case $algorithm in
      popularity|content) part="pg_catalog.octet_length($totals)" ;;
      *) part="pg_catalog.octet_length($totals) + pg_catalog.octet_length(steam_rec.co_ownership_sums('$algorithm', '{}', $totals))" ;;
    esac
    parts=$(run -c "SELECT string_agg(result, ' ') FROM run_command_on_workers(\$\$SELECT $part\$\$)")
    sum_bytes=0; for b in $parts; do sum_bytes=$((sum_bytes + b * 4 / 3)); done
    pairs="not sent"
    on="not run"
  fi
  printf '| %s | %d | %.1fx | %s | %.2f | %s | %s |\n' "$algorithm" "$sum_bytes" "$(echo "$sum_bytes / $row_bytes" | bc -l)" \
    "$pairs" "$(median <<<"${times[off]}")" "$on" "$auto"
done
