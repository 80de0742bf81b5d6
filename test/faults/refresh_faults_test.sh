#!/usr/bin/env bash
# Faults in the middle of refresh_engagement(): statement_timeout, cancel,
# pg_terminate_backend and kill -9 of the backend.  After each, the rows are
# exactly as before the refresh (no half-written refresh is ever visible), and
# amcheck finds the tables and indexes sound.  Runs in its own throwaway
# cluster: kill -9 makes the server restart every connection, on purpose.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
db=steam_rec_faults

dropdb --if-exists $db 2>/dev/null || true
createdb $db
psql_in $db <<'SQL'
CREATE EXTENSION steam_rec;
CREATE EXTENSION amcheck;
SQL
psql -X -q -v ON_ERROR_STOP=1 -v rows=400000 -d $db -f "$root/bench/synthetic_steam.sql" >/dev/null
psql_value $db "SELECT steam_rec.refresh_engagement()" >/dev/null

scores_sql="SELECT md5(string_agg(engagement_score::text || playtime_category, ',' ORDER BY id)) FROM steam_rec.user_games"
stats_sql="SELECT md5(string_agg(format('%s', s), ',' ORDER BY appid)) FROM steam_rec.game_stats AS s"
# Move every score, so a refresh has to rewrite every row.
psql_value $db "UPDATE steam_rec.user_games SET engagement_score = CASE WHEN engagement_score > 0.5
                THEN engagement_score - 0.25 ELSE engagement_score + 0.25 END" >/dev/null
before_scores=$(psql_value $db "$scores_sql")
before_stats=$(psql_value $db "$stats_sql")

wait_until_refreshing() {  # prints the pid of the backend running the refresh
  for _ in $(seq 1 200); do
    pid=$(psql_value $db "SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT steam_rec.refresh_engagement()%'
                           AND state = 'active' AND now() - query_start > interval '150 ms'")
    [ -n "$pid" ] && { echo "$pid"; return; }
    sleep 0.05
  done
  echo "FAIL the refresh never started" >&2
  exit 1
}

wait_for_server() {
  for _ in $(seq 1 100); do psql_value $db "SELECT 1" >/dev/null 2>&1 && return; sleep 0.2; done
  echo "FAIL the server did not come back" >&2
  exit 1
}

unchanged() {  # unchanged WHAT
  assert_equal "$1: every score as before" "$before_scores" "$(psql_value $db "$scores_sql")"
  assert_equal "$1: the statistics as before" "$before_stats" "$(psql_value $db "$stats_sql")"
}

amcheck_sound() {  # amcheck_sound WHAT
  corrupt=$(psql_value $db "
    SELECT count(*) FROM pg_class AS c CROSS JOIN LATERAL verify_heapam(c.oid) AS problem
     WHERE c.relnamespace = 'steam_rec'::regnamespace AND c.relkind = 'r'")
  assert_equal "$1: verify_heapam finds no corruption" "0" "$corrupt"
  psql_value $db "SELECT count(bt_index_check(i.indexrelid, true)) FROM pg_index AS i
                   JOIN pg_class AS c ON c.oid = i.indexrelid
                  WHERE c.relnamespace = 'steam_rec'::regnamespace AND c.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')" >/dev/null
  echo "ok   $1: bt_index_check (with heapallindexed) passes on every index"
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
  pid=$(wait_until_refreshing)
  psql_value $db "SELECT $fault($pid)" >/dev/null
  if wait $client; then echo "FAIL the refresh survived $fault" >&2; exit 1; fi
  unchanged "$fault"
done

# 4. kill -9 of the backend: the server restarts every connection and recovers.
psql_value $db "SELECT steam_rec.refresh_engagement()" >/dev/null 2>&1 &
client=$!
pid=$(wait_until_refreshing)
kill -9 "$pid"
wait $client || true
wait_for_server
unchanged "kill -9"
amcheck_sound "after kill -9 and crash recovery"

# Finally the refresh runs to the end and changes every moved score back.
changed=$(psql_value $db "SELECT steam_rec.refresh_engagement()")
assert_true "a refresh after the faults rewrites the moved rows ($changed)" "[ $changed -gt 0 ]"
amcheck_sound "after a completed refresh"
dropdb $db
