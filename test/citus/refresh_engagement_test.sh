#!/usr/bin/env bash
# refresh_engagement() of every player on the Citus cluster: the statistics
# are measured from every worker's rows and stored in the reference tables,
# each worker rescores its own players, and the result equals the single
# node's for the same data: game statistics and prior within 1e-9 (sums may be
# added in another order), every row's score within 1e-5 and its category equal.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

sample_on_cluster_and_single_node

single_rows=$(single -c "SELECT steam_rec.refresh_engagement()")
cluster_rows=$(coordinator -c "SELECT steam_rec.refresh_engagement()")
assert_true "the single node's refresh rescored rows" "[ $single_rows -gt 0 ]"
assert_equal "the cluster's refresh rescores as many rows as the single node's" "$single_rows" "$cluster_rows"

# compare QUERY TOLERANCE: the query's rows, '|'-separated, the last column
# numeric within TOLERANCE, the others equal; prints the number of differences.
compare() {
  local one two
  one=$(mktemp); two=$(mktemp)
  single -c "$1" >"$one"; coordinator -c "$1" >"$two"
  python3 - "$one" "$two" "$2" <<'PY'
import sys
one, two = ([line.split('|') for line in open(f).read().split('\n') if line] for f in sys.argv[1:3])
tolerance = float(sys.argv[3])
bad = [(a, b) for a, b in zip(one, two)
       if a[:-1] != b[:-1] or abs(float(a[-1]) - float(b[-1])) > tolerance]
if len(one) != len(two) or not one:
    bad.append(('rows', len(one), len(two)))
for b in bad[:5]:
    print(b, file=sys.stderr)
worst = max((abs(float(a[-1]) - float(b[-1])) for a, b in zip(one, two)), default=0)
print(f"  {len(one)} rows, largest difference {worst:.3g}", file=sys.stderr)
print(len(bad))
PY
  rm -f "$one" "$two"
}

for column in log_median log_spread median_hours p75_hours p90_hours; do
  assert_equal "game_stats: owners, players and $column equal the single node's" "0" \
    "$(compare "SELECT appid || '|' || owners || '|' || players || '|' || $column FROM steam_rec.game_stats ORDER BY appid" 1e-9)"
done
for column in log_median log_spread median_weight; do
  assert_equal "engagement_prior: $column equals the single node's" "0" \
    "$(compare "SELECT games || '|' || owned_games || '|' || $column FROM steam_rec.engagement_prior" 1e-9)"
done
assert_equal "every user_games row: the single node's category, score within 1e-5" "0" \
  "$(compare "SELECT user_steam_id || '|' || appid || '|' || playtime_category || '|' || engagement_score
                FROM steam_rec.user_games ORDER BY user_steam_id, appid" 1e-5)"

log=$(coordinator -c "SET citus.log_remote_commands = on" -c "SELECT steam_rec.refresh_engagement()" 2>&1)
assert_equal "the rescoring is sent to every shard, on both workers" "32 $WORKER1_PORT $WORKER2_PORT" \
  "$(grep -c 'issuing .*steam_rec.refresh_engagement(steam_id' <<<"$log") $(grep -A1 'issuing .*steam_rec.refresh_engagement(steam_id' <<<"$log" |
      grep -o 'on server postgres@[^ ]*' | grep -o '[0-9]*$' | sort -u | tr '\n' ' ' | sed 's/ $//')"
assert_equal "a second refresh finds nothing to change" "0|0" \
  "$(single -c "SELECT steam_rec.refresh_engagement()")|$(coordinator -c "SELECT steam_rec.refresh_engagement()")"
player=$(single -c "SELECT min(steam_id) FROM steam_rec.users")
assert_equal "one player's refresh on the cluster works and finds nothing to change" "0" \
  "$(coordinator -c "SELECT steam_rec.refresh_engagement($player)")"
