#!/usr/bin/env bash
# Faults in the middle of refresh_engagement(): statement_timeout, cancel,
# pg_terminate_backend and kill -9 of the backend.  After each, the rows are
# exactly as before the refresh (no half-written refresh is ever visible), and
# amcheck finds the tables and indexes sound.  Runs in its own throwaway
# cluster: kill -9 makes the server restart every connection, on purpose.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
source "$root/test/faults/fault_helpers.sh"
db=steam_rec_faults

new_fault_database $db 400000

scores_sql="SELECT md5(string_agg(engagement_score::text || playtime_category, ',' ORDER BY id)) FROM steam_rec.user_games"
stats_sql="SELECT md5(string_agg(format('%s', s), ',' ORDER BY appid)) FROM steam_rec.game_stats AS s"
# Move every score, so a refresh has to rewrite every row.
psql_value $db "UPDATE steam_rec.user_games SET engagement_score = CASE WHEN engagement_score > 0.5
                THEN engagement_score - 0.25 ELSE engagement_score + 0.25 END" >/dev/null
before_scores=$(psql_value $db "$scores_sql")
before_stats=$(psql_value $db "$stats_sql")

unchanged() {  # unchanged WHAT
  assert_equal "$1: every score as before" "$before_scores" "$(psql_value $db "$scores_sql")"
  assert_equal "$1: the statistics as before" "$before_stats" "$(psql_value $db "$stats_sql")"
}

# 1. statement_timeout
if PGOPTIONS='-c statement_timeout=300' psql_value $db "SELECT steam_rec.refresh_engagement()" 2>/dev/null; then
  echo "FAIL the refresh finished within 300 ms: the fixture is too small to test a timeout" >&2
  exit 1
fi
unchanged "statement_timeout"

# 2. pg_cancel_backend and 3. pg_terminate_backend
for fault in pg_cancel_backend pg_terminate_backend; do
  psql_value $db "SELECT steam_rec.refresh_engagement()" >/dev/null 2>&1 &
  client=$!
  pid=$(wait_until_running $db "SELECT steam_rec.refresh_engagement()")
  psql_value $db "SELECT $fault($pid)" >/dev/null
  if wait $client; then echo "FAIL the refresh survived $fault" >&2; exit 1; fi
  unchanged "$fault"
done

# 4. kill -9 of the backend: the server restarts every connection and recovers.
psql_value $db "SELECT steam_rec.refresh_engagement()" >/dev/null 2>&1 &
client=$!
pid=$(wait_until_running $db "SELECT steam_rec.refresh_engagement()")
kill -9 "$pid"
wait $client || true
wait_for_server $db
unchanged "kill -9"
amcheck_sound $db "after kill -9 and crash recovery"

# Finally the refresh runs to the end and changes every moved score back.
changed=$(psql_value $db "SELECT steam_rec.refresh_engagement()")
assert_true "a refresh after the faults rewrites the moved rows ($changed)" "[ $changed -gt 0 ]"
amcheck_sound $db "after a completed refresh"
dropdb $db
