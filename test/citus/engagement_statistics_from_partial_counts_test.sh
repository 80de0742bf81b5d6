#!/usr/bin/env bash
# refresh_engagement() on the Citus cluster measures the per-game statistics
# from partial states: every shard counts its rows per (game, hours), Citus
# adds the counts on the coordinator, and only those counts travel, fewer than
# the rows when hours repeat (recorded at a fixed resolution).  The statistics
# and the prior equal the single node's exactly (the same values in, the same
# quantiles out); every row's category equals it and its score too, within the
# float rounding of a player's total hours summed in another order.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

sample_on_cluster_and_single_node
# Whole hours, as a store that records playtime at a fixed resolution keeps
# them: played values repeat within a game.
for side in single coordinator; do
  "$side" -c "UPDATE steam_rec.user_games SET playtime_hours = greatest(1, round(playtime_hours))
               WHERE playtime_hours > 0"
done
rows=$(coordinator -c "SELECT count(*) FROM steam_rec.user_games")

single_rows=$(single -c "SELECT steam_rec.refresh_engagement()")
messages=$(mktemp)
trap 'rm -f "$messages"' EXIT
cluster_rows=$(coordinator -c "SET client_min_messages = debug1" -c "SET citus.log_remote_commands = on" \
                 -c "SELECT steam_rec.refresh_engagement()" 2>"$messages")
log=$(cat "$messages")
assert_true "the single node's refresh rescored rows" "[ $single_rows -gt 0 ]"
assert_equal "the cluster's refresh rescores as many rows as the single node's" "$single_rows" "$cluster_rows"

counted=$(sed -n 's/.*game statistics from \([0-9]*\) counts of \([0-9]*\) rows.*/\1 \2/p' <<<"$log")
echo "  the coordinator received ${counted% *} counts for ${counted#* } rows"
assert_equal "the counts the coordinator received cover every row" "$rows" "${counted#* }"
assert_true "fewer counts than rows reach the coordinator (${counted% *} < $rows)" "[ ${counted% *} -lt $rows ]"
assert_equal "every shard counts its own rows per (game, hours), on both workers" "32 $WORKER1_PORT $WORKER2_PORT" \
  "$(grep -cE 'issuing SELECT appid, playtime_hours, count\(\*\).* FROM steam_rec\.user_games_[0-9]+ .*GROUP BY appid, playtime_hours' <<<"$log") $(
     grep -A1 -E 'issuing SELECT appid, playtime_hours, count\(\*\)' <<<"$log" |
       grep -o 'on server postgres@[^ ]*' | grep -o '[0-9]*$' | sort -u | tr '\n' ' ' | sed 's/ $//')"

# same QUERY: the query's rows are the same text on both sides (no tolerance).
same() {
  diff <(single -c "$1") <(coordinator -c "$1") | head -5 >&2
  [ "$(single -c "$1" | md5sum)" = "$(coordinator -c "$1" | md5sum)" ] && echo same || echo different
}
assert_equal "game_stats: every column of every game equals the single node's exactly" "same" \
  "$(same "SELECT appid, owners, players, log_median, log_spread, median_hours, p75_hours, p90_hours
             FROM steam_rec.game_stats ORDER BY appid")"
assert_equal "engagement_prior equals the single node's exactly" "same" \
  "$(same "SELECT log_median, log_spread, median_weight, games, owned_games FROM steam_rec.engagement_prior")"
assert_equal "every user_games row: the single node's category" "same" \
  "$(same "SELECT user_steam_id, appid, playtime_category FROM steam_rec.user_games ORDER BY user_steam_id, appid")"
scores="SELECT user_steam_id || '|' || appid || '|' || engagement_score FROM steam_rec.user_games ORDER BY 1"
largest=$(python3 - <(single -c "$scores") <(coordinator -c "$scores") <<'PY'
import sys
one, two = ([line.split('|') for line in open(f).read().split()] for f in sys.argv[1:3])
assert len(one) == len(two) and one and all(a[:2] == b[:2] for a, b in zip(one, two))
print(max(abs(float(a[2]) - float(b[2])) for a, b in zip(one, two)))
PY
)
echo "  largest score difference: $largest"
assert_true "every user_games row: the single node's score within 1e-6 ($largest)" \
  "python3 -c 'import sys; sys.exit(0 if $largest <= 1e-6 else 1)'"
