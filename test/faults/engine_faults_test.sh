#!/usr/bin/env bash
# Faults in the middle of train() and refresh_recommendations():
# statement_timeout, cancel, pg_terminate_backend and kill -9.  After each the
# previous model is still the active one and serves, no model or list is left
# half-written, and amcheck finds the tables and indexes sound.  Also reports
# how long a cancel takes to stop a training.  Runs in its own throwaway
# cluster: kill -9 makes the server restart every connection, on purpose.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
source "$root/test/faults/fault_helpers.sh"
db=steam_rec_engine_faults

new_fault_database $db 200000
psql_value $db "SELECT steam_rec.train('itemknn')" >/dev/null
psql_value $db "SELECT steam_rec.refresh_recommendations(k => 5)" >/dev/null 2>&1

models_sql="SELECT string_agg(format('%s %s %s', id, algorithm, active), ',' ORDER BY id) FROM steam_rec.models"
model_rows_sql="SELECT (SELECT count(*) FROM steam_rec.model_games) || '/' || (SELECT count(*) FROM steam_rec.model_tags)"
lists_sql="SELECT md5(string_agg(format('%s', r), ',' ORDER BY user_steam_id, rank)) FROM steam_rec.recommendations AS r"
serve_sql="SELECT string_agg(appid::text, ',' ORDER BY rank) FROM steam_rec.recommend(76561197960265729, k => 5)"
before_models=$(psql_value $db "$models_sql")
before_model_rows=$(psql_value $db "$model_rows_sql")
before_lists=$(psql_value $db "$lists_sql")
before_served=$(psql_value $db "$serve_sql")

unchanged() {  # unchanged WHAT
  assert_equal "$1: the same models, the same one active" "$before_models" "$(psql_value $db "$models_sql")"
  assert_equal "$1: no model rows left behind" "$before_model_rows" "$(psql_value $db "$model_rows_sql")"
  assert_equal "$1: every recommendation list as before" "$before_lists" "$(psql_value $db "$lists_sql")"
  assert_equal "$1: the previous model still serves" "$before_served" "$(psql_value $db "$serve_sql")"
}

# A long training (many iALS iterations on 200,000 owned games) and a refresh.
long_training="SELECT steam_rec.train('ials', '{\"factors\": 96, \"iterations\": 200}')"
long_refresh="SELECT steam_rec.refresh_recommendations(k => 7)"
declare -A statement=([train]=$long_training [refresh_recommendations]=$long_refresh)

# 1. statement_timeout: how long after the timeout does training stop?
started=$(date +%s.%N)
if PGOPTIONS='-c statement_timeout=1000' psql_value $db "$long_training" 2>/dev/null; then
  echo "FAIL the training finished within 1 s: the fixture is too small to test a timeout" >&2
  exit 1
fi
stopped=$(date +%s.%N)
echo "     (train('ials') stopped $(awk "BEGIN { printf \"%.2f\", $stopped - $started - 1 }") s after its 1 s statement_timeout)"
unchanged "statement_timeout during train"

# EASE's inverse is cancelled between blocks: 3,000 games owned by one player.
psql_value $db "INSERT INTO steam_rec.catalog_cache (appid, name)
                SELECT g, 'Extra ' || g FROM generate_series(100001, 103000) AS g;
                INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
                SELECT 76561197960265729, g, 1 FROM generate_series(100001, 103000) AS g" >/dev/null
started=$(date +%s.%N)
PGOPTIONS='-c statement_timeout=1500' psql_value $db "SELECT steam_rec.train('ease')" >/dev/null 2>&1 || true
stopped=$(date +%s.%N)
echo "     (train('ease') on 4,000 games stopped $(awk "BEGIN { printf \"%.2f\", $stopped - $started - 1.5 }") s after its 1.5 s statement_timeout)"
psql_value $db "DELETE FROM steam_rec.user_games WHERE appid > 100000; DELETE FROM steam_rec.catalog_cache WHERE appid > 100000" >/dev/null
before_served=$(psql_value $db "$serve_sql")
unchanged "statement_timeout during EASE"

# A refresh can end before a fault sent 150 ms into it arrives: another
# session holds the last player's row, so the refresh waits there, its earlier
# batches written and not committed, until the fault stops it.
hold_last_player() {
  psql -X -q -d $db -c "BEGIN" \
    -c "SELECT FROM steam_rec.users WHERE steam_id = (SELECT max(steam_id) FROM steam_rec.users) FOR UPDATE" \
    -c "SELECT pg_sleep(600)" >/dev/null 2>&1 &
  holder=$!
  wait_until_running $db "SELECT pg_sleep(600)" >/dev/null
}
release_last_player() {
  psql_value $db "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(600)'" >/dev/null
  wait $holder || true
}

# 2. pg_cancel_backend and 3. pg_terminate_backend, during train and during refresh_recommendations.
for fault in pg_cancel_backend pg_terminate_backend; do
  for work in train refresh_recommendations; do
    if [ $work = refresh_recommendations ]; then hold_last_player; fi
    psql_value $db "${statement[$work]}" >/dev/null 2>&1 &
    client=$!
    pid=$(wait_until_running $db "${statement[$work]}")
    psql_value $db "SELECT $fault($pid)" >/dev/null
    if wait $client; then echo "FAIL $work survived $fault" >&2; exit 1; fi
    if [ $work = refresh_recommendations ]; then release_last_player; fi
    unchanged "$fault during $work"
  done
done

# 4. kill -9 of the backend, during each: the server restarts and recovers.
for work in train refresh_recommendations; do
  psql_value $db "${statement[$work]}" >/dev/null 2>&1 &
  client=$!
  pid=$(wait_until_running $db "${statement[$work]}")
  kill -9 "$pid"
  wait $client || true
  wait_for_server $db
  unchanged "kill -9 during $work"
  amcheck_sound $db "after kill -9 during $work and crash recovery"
done

# Finally both run to the end.
assert_true "a training after the faults completes" "[ $(psql_value $db "SELECT steam_rec.train('itemknn')") -gt 0 ]"
notices=$(psql -X -q -A -t -d $db -c "$long_refresh" 2>&1 >/dev/null | grep -c 'NOTICE:  refresh_recommendations: ' || true)
assert_true "refresh_recommendations reports its progress ($notices notices)" "[ $notices -ge 10 ]"
assert_equal "every player has 7 recommendations" "7" \
  "$(psql_value $db "SELECT DISTINCT count(*) FROM steam_rec.recommendations GROUP BY user_steam_id")"
amcheck_sound $db "after completed runs"
dropdb $db
