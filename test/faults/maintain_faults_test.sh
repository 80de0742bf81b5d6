#!/usr/bin/env bash
# Faults in every step of CALL steam_rec.maintain(): pg_cancel_backend,
# pg_terminate_backend and kill -9, plus a statement_timeout.  To land each
# fault in a known step, another session holds a lock that step needs (the
# engagement refresh's and the training's advisory locks, game_tags for the
# evaluation, model_governance for the decision, the stored lists, an old
# model's row for pruning); the fault hits while maintain() waits there, with
# the earlier steps committed.  After each: the model active before the step
# is still active (the new one once its training step had committed) and
# serves, no model is half-written, no governance or model row is orphaned,
# the stored lists are as before the step, the log says where the run stopped
# (cancelled, or interrupted once the next run starts), the lock is free for
# the next run, and after kill -9 amcheck finds every table and index sound.
# Runs in its own throwaway cluster: kill -9 restarts every connection.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
source "$root/test/faults/fault_helpers.sh"
db=steam_rec_maintain_faults

new_fault_database $db 50000
psql_in $db <<'SQL'
SELECT steam_rec.set_maintenance_setting('algorithm', 'hybrid');
SELECT steam_rec.set_maintenance_setting('params', '{"base": "itemknn"}');
SELECT steam_rec.set_maintenance_setting('retrain_max_age', '0.001 seconds');  -- every run retrains
SELECT steam_rec.set_maintenance_setting('keep_previous', '1');
SELECT steam_rec.set_maintenance_setting('recommendations_k', '5');
SQL
run_maintain() { PGOPTIONS='-c client_min_messages=warning' psql_value $db "CALL steam_rec.maintain()"; }
run_maintain
run_maintain  # two models: the older one is what a prune deletes

steps=(refresh_engagement decide evaluate train refresh_recommendations prune_models)
declare -A hold=(
  [refresh_engagement]="SELECT pg_advisory_xact_lock(8319385880782595427)"  # refresh_engagement()'s lock
  [decide]="LOCK TABLE steam_rec.model_governance IN ACCESS EXCLUSIVE MODE"
  [evaluate]="LOCK TABLE steam_rec.game_tags IN ACCESS EXCLUSIVE MODE"
  [train]="SELECT pg_advisory_xact_lock(8319385880782729825)"               # train()'s lock
  [refresh_recommendations]="LOCK TABLE steam_rec.recommendations IN EXCLUSIVE MODE"
  [prune_models]="SELECT FROM steam_rec.models WHERE id = (SELECT min(id) FROM steam_rec.models WHERE NOT active) FOR UPDATE"
)

lists_sql="SELECT md5(string_agg(format('%s', r), ',' ORDER BY user_steam_id, rank)) FROM steam_rec.recommendations AS r"
serve_sql="SELECT string_agg(appid::text, ',' ORDER BY rank) FROM steam_rec.recommend(76561197960265729, k => 5)"
active_sql="SELECT id FROM steam_rec.models WHERE active"
consistency_sql="
  SELECT (SELECT count(*) FROM steam_rec.models AS m
           WHERE NOT EXISTS (SELECT FROM steam_rec.model_games AS g WHERE g.model_id = m.id))
      || '/' || (SELECT count(*) FROM steam_rec.model_games AS g
                  WHERE NOT EXISTS (SELECT FROM steam_rec.models AS m WHERE m.id = g.model_id))
      || '/' || (SELECT count(*) FROM steam_rec.model_governance AS g
                  WHERE NOT EXISTS (SELECT FROM steam_rec.models AS m WHERE m.id = g.model_id))
      || '/' || (SELECT count(*) FROM steam_rec.models WHERE active)"

start_blocker() {  # start_blocker SQL [NAME]: a session that holds the lock until released
  local name=${2:-fault_blocker}
  PGAPPNAME=$name psql -X -q -d $db -c "BEGIN" -c "$1" -c "SELECT pg_sleep(600)" >/dev/null 2>&1 &
  for _ in $(seq 1 100); do
    [ -n "$(psql_value $db "SELECT pid FROM pg_stat_activity WHERE application_name = '$name'
                             AND query LIKE 'SELECT pg_sleep%'")" ] && return
    sleep 0.05
  done
  echo "FAIL the blocking session did not start" >&2; exit 1
}

release_blocker() {  # release_blocker [NAME]: ends the blocking session(s), all by default
  psql_value $db "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                   WHERE application_name LIKE '${1:-fault_blocker}%'" >/dev/null 2>&1 || true
  [ -n "${1:-}" ] || wait "$blocker" 2>/dev/null || true
}

wait_in_step() {  # wait_in_step N: the maintain() backend waits on a lock after N committed steps
  for _ in $(seq 1 600); do
    pid=$(psql_value $db "
      SELECT a.pid FROM pg_stat_activity AS a
       WHERE a.application_name = 'maintain_run' AND a.wait_event_type = 'Lock'
         AND (SELECT jsonb_array_length(l.steps) FROM steam_rec.maintenance_log AS l
               WHERE l.status = 'running' ORDER BY l.id DESC LIMIT 1) = $1")
    [ -n "$pid" ] && { echo "$pid"; return; }
    sleep 0.05
  done
  echo "FAIL maintain() never waited in step $1" >&2
  exit 1
}

faults=0
declare -A expected_status
for fault in pg_cancel_backend pg_terminate_backend kill-9; do
  for index in "${!steps[@]}"; do
    step=${steps[$index]}
    what="$fault in step $step"
    active_before=$(psql_value $db "$active_sql")
    lists_before=$(psql_value $db "$lists_sql")
    served_before=$(psql_value $db "$serve_sql")
    models_before=$(psql_value $db "SELECT count(*) FROM steam_rec.models")

    # A row lock on models holds up the training's activation (it locks the
    # table EXCLUSIVE), so the pruned model's row is locked only once
    # maintain() waits in the step before pruning.
    first_hold=$step
    [ "$step" = prune_models ] && first_hold=refresh_recommendations
    start_blocker "${hold[$first_hold]}"
    blocker=$!
    PGAPPNAME=maintain_run PGOPTIONS='-c client_min_messages=warning' \
      psql -X -q -d $db -c "CALL steam_rec.maintain()" >/dev/null 2>&1 &
    client=$!
    if [ "$step" = prune_models ]; then
      wait_in_step $((index - 1)) >/dev/null
      start_blocker "${hold[prune_models]}" fault_blocker_prune
      psql_value $db "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                       WHERE application_name = 'fault_blocker'" >/dev/null
    fi
    pid=$(wait_in_step "$index")
    run=$(psql_value $db "SELECT max(id) FROM steam_rec.maintenance_log WHERE status = 'running'")
    if [ "$fault" = kill-9 ]; then kill -9 "$pid"; else psql_value $db "SELECT $fault($pid)" >/dev/null; fi
    if wait $client; then echo "FAIL maintain() survived $what" >&2; exit 1; fi
    if [ "$fault" = kill-9 ]; then wait "$blocker" 2>/dev/null || true; wait_for_server $db; else release_blocker; fi
    faults=$((faults + 1))

    trained=$(psql_value $db "SELECT coalesce(trained_model::text, '') FROM steam_rec.maintenance_log WHERE id = $run")
    if [ "$index" -le 3 ]; then
      assert_equal "$what: the previous model is still active" "$active_before" "$(psql_value $db "$active_sql")"
      assert_equal "$what: no new model row" "$models_before" "$(psql_value $db "SELECT count(*) FROM steam_rec.models")"
      assert_equal "$what: it still serves the same list" "$served_before" "$(psql_value $db "$serve_sql")"
    else
      assert_equal "$what: the model trained by the committed step is active" "$trained" "$(psql_value $db "$active_sql")"
    fi
    if [ "$index" -le 4 ]; then
      assert_equal "$what: every stored list as before the step" "$lists_before" "$(psql_value $db "$lists_sql")"
    fi
    assert_equal "$what: no model half-written, no orphan rows, one model active" "0/0/0/1" \
      "$(psql_value $db "$consistency_sql")"
    assert_equal "$what: the log has the steps committed before it" "$index" \
      "$(psql_value $db "SELECT jsonb_array_length(steps) FROM steam_rec.maintenance_log WHERE id = $run")"
    if [ "$fault" = pg_cancel_backend ]; then
      assert_equal "$what: the run is logged as cancelled in that step" "cancelled $step 57014" \
        "$(psql_value $db "SELECT concat_ws(' ', status, failed_step, error_sqlstate) FROM steam_rec.maintenance_log WHERE id = $run")"
      expected_status[$run]=cancelled
    else
      expected_status[$run]=interrupted
    fi
    if [ "$fault" = kill-9 ]; then amcheck_sound $db "after $what and crash recovery"; fi
  done
done

# statement_timeout while waiting in the training step: a cancel like the others.
start_blocker "${hold[train]}"
blocker=$!
if PGOPTIONS='-c statement_timeout=5000 -c client_min_messages=warning' \
   psql_value $db "CALL steam_rec.maintain()" >/dev/null 2>&1; then
  echo "FAIL maintain() survived its statement_timeout" >&2; exit 1
fi
release_blocker
faults=$((faults + 1))
assert_equal "statement_timeout in step train: logged as cancelled there" "cancelled train" \
  "$(psql_value $db "SELECT concat_ws(' ', status, failed_step) FROM steam_rec.maintenance_log ORDER BY id DESC LIMIT 1")"

# The next run is not skipped (no lock left behind), marks the runs that died
# with their sessions as interrupted, and completes every step.
active_before=$(psql_value $db "$active_sql")
run_maintain
assert_equal "a run after the faults completes all six steps" "succeeded 6" \
  "$(psql_value $db "SELECT status || ' ' || jsonb_array_length(steps) FROM steam_rec.maintenance_log ORDER BY id DESC LIMIT 1")"
assert_true "it activated a new model" "[ $(psql_value $db "$active_sql") -gt $active_before ]"
for run in "${!expected_status[@]}"; do
  assert_equal "run $run ended ${expected_status[$run]}" "${expected_status[$run]}" \
    "$(psql_value $db "SELECT status FROM steam_rec.maintenance_log WHERE id = $run")"
done
assert_equal "no run is left marked running" "0" \
  "$(psql_value $db "SELECT count(*) FROM steam_rec.maintenance_log WHERE status = 'running'")"
assert_equal "after every fault: no half-written model, no orphan rows, one model active" "0/0/0/1" \
  "$(psql_value $db "$consistency_sql")"
amcheck_sound $db "after completed runs"
echo "     ($faults faults injected into maintain(), every step)"
dropdb $db
