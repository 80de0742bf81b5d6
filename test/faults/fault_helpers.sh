# Helpers shared by the fault-injection tests.  Source after test/lib/assert.sh.

new_fault_database() {  # new_fault_database DB DRAWS: steam_rec and amcheck, synthetic data, scored
  dropdb --if-exists "$1" 2>/dev/null || true
  createdb "$1"
  psql_in "$1" <<< "CREATE EXTENSION steam_rec; CREATE EXTENSION amcheck;"
  psql -X -q -v ON_ERROR_STOP=1 -v rows="$2" -d "$1" -f "$root/bench/synthetic_steam.sql" >/dev/null
  psql_value "$1" "SELECT steam_rec.refresh_engagement()" >/dev/null
}

wait_until_running() {  # wait_until_running DB QUERY-PREFIX: prints the pid of the backend running it
  for _ in $(seq 1 200); do
    pid=$(psql_value "$1" "SELECT pid FROM pg_stat_activity WHERE starts_with(query, \$\$$2\$\$)
                           AND state = 'active' AND now() - query_start > interval '150 ms' AND pid <> pg_backend_pid()")
    [ -n "$pid" ] && { echo "$pid"; return; }
    sleep 0.05
  done
  echo "FAIL \"$2\" never started" >&2
  exit 1
}

wait_for_server() {  # wait_for_server DB
  for _ in $(seq 1 100); do psql_value "$1" "SELECT 1" >/dev/null 2>&1 && return; sleep 0.2; done
  echo "FAIL the server did not come back" >&2
  exit 1
}

amcheck_sound() {  # amcheck_sound DB WHAT
  corrupt=$(psql_value "$1" "
    SELECT count(*) FROM pg_class AS c CROSS JOIN LATERAL verify_heapam(c.oid) AS problem
     WHERE c.relnamespace = 'steam_rec'::regnamespace AND c.relkind = 'r'")
  assert_equal "$2: verify_heapam finds no corruption" "0" "$corrupt"
  psql_value "$1" "SELECT count(bt_index_check(i.indexrelid, true)) FROM pg_index AS i
                    JOIN pg_class AS c ON c.oid = i.indexrelid
                   WHERE c.relnamespace = 'steam_rec'::regnamespace
                     AND c.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')" >/dev/null
  echo "ok   $2: bt_index_check (with heapallindexed) passes on every index"
}
