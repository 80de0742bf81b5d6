#!/usr/bin/env bash
# The nightly job for real: pg_cron runs CALL steam_rec.maintain() in a
# cluster of its own (pg_cron must be in shared_preload_libraries, which a
# shared test cluster cannot have).  The job is scheduled the way the README
# says, every minute instead of at 04:00 (pg_cron 1.4, Debian 12's, has no
# schedules in seconds), so the test waits for the next minute: up to about
# 70 s.  Passes when cron.job_run_details reports the run succeeded, the
# maintenance log shows the run, and the active model changed.  Skips, saying
# why, when pg_cron is not installed or clusters cannot be created here.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"

sharedir=$(pg_config --sharedir)
if [ ! -f "$sharedir/extension/pg_cron.control" ]; then
  echo "SKIP pg_cron is not installed (Debian package postgresql-15-cron; tools/run deps installs it)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "SKIP the pg_cron test creates a cluster of its own with pg_createcluster, which needs root"
  exit 0
fi

cluster=steam_rec_cron
db=steam_rec_cron
pg_dropcluster --stop 15 $cluster 2>/dev/null || true
rm -rf "/etc/postgresql/15/$cluster"  # what an interrupted run left of it (pg_createcluster refuses it)
port=5450
while pg_lsclusters -h | awk '{print $3}' | grep -qx "$port" || ss -ltn | grep -q ":$port "; do
  port=$((port + 1))
done
pg_createcluster 15 $cluster -p "$port" -- --auth=trust >/dev/null
trap 'pg_dropcluster --stop 15 $cluster' EXIT
cat > /etc/postgresql/15/$cluster/conf.d/pg_cron.conf <<CONF
shared_preload_libraries = 'pg_cron'
cron.database_name = '$db'
cron.host = '/var/run/postgresql'
log_min_messages = warning
CONF
pg_ctlcluster 15 $cluster start
export PGHOST=/var/run/postgresql PGPORT=$port PGUSER=postgres
unset PGPASSWORD PGDATABASE
createdb $db

# A library, a first model trained by hand, and a rule that retrains any
# model older than a second (a night's worth of change, in one minute).
psql_in $db <<'SQL'
CREATE EXTENSION pg_cron;
CREATE EXTENSION steam_rec;
SQL
psql -X -q -v ON_ERROR_STOP=1 -d $db -f "$root/tools/sample_data.sql" >/dev/null
first_model=$(psql_value $db "SELECT steam_rec.train('popularity')")
psql_value $db "SELECT steam_rec.set_maintenance_setting('retrain_max_age', '1 second')" >/dev/null
echo "     (pg_cron $(psql_value $db "SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'"), cluster on port $port, active model $first_model)"

# The README's recipe, every minute.
job=$(psql_value $db "SELECT cron.schedule('steam_rec nightly', '* * * * *', 'CALL steam_rec.maintain()')")
status=
for _ in $(seq 1 90); do
  status=$(psql_value $db "SELECT status FROM cron.job_run_details WHERE jobid = $job
                            AND status IN ('succeeded', 'failed') ORDER BY runid LIMIT 1")
  [ -n "$status" ] && break
  sleep 1
done
psql_value $db "SELECT cron.unschedule($job)" >/dev/null
psql -X -d $db -P pager=off -c "SELECT jobid, status, return_message, end_time - start_time AS took
                                  FROM cron.job_run_details WHERE jobid = $job ORDER BY runid LIMIT 1"
psql -X -d $db -P pager=off -c "SELECT id, status, decision, active_model_before, active_model_after, run_by,
                                       jsonb_array_length(steps) AS steps, reason
                                  FROM steam_rec.maintenance_log ORDER BY id"

assert_equal "pg_cron ran the job within 90 s and reports it succeeded" "succeeded" "$status"
assert_equal "the maintenance log shows one succeeded run with all six steps" "succeeded 6" \
  "$(psql_value $db "SELECT status || ' ' || jsonb_array_length(steps) FROM steam_rec.maintenance_log
                      WHERE status <> 'skipped' ORDER BY id LIMIT 1")"
active=$(psql_value $db "SELECT id FROM steam_rec.models WHERE active")
assert_true "the active model changed (model $first_model -> $active)" "[ '$active' -gt '$first_model' ]"
assert_equal "the log names the model it activated" "$first_model -> $active activated" \
  "$(psql_value $db "SELECT active_model_before || ' -> ' || active_model_after || ' ' || decision
                      FROM steam_rec.maintenance_log WHERE status <> 'skipped' ORDER BY id LIMIT 1")"
if grep -q "terminated by signal" "/var/log/postgresql/postgresql-15-$cluster.log"; then
  echo "FAIL a backend crashed in the pg_cron cluster" >&2
  exit 1
fi
echo "ok   no backend crashed"
