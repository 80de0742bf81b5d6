#!/usr/bin/env bash
# Fails when the server log of the pg_virtualenv cluster shows a crashed
# backend: a process terminated by a signal, or a crash-recovery restart.
set -euo pipefail
# The running cluster on that port: a stopped one may have the same port in
# its configuration (pg_virtualenv takes the first port no server listens on).
log=$(pg_lsclusters --no-header | awk -v port="$PGPORT" '$3 == port && $4 ~ /^online/ { print $7 }')
if [ -z "$log" ] || [ ! -r "$log" ]; then
  echo "check_server_log: cannot find the server log for port $PGPORT" >&2
  exit 1
fi
if grep -E 'terminated by signal|server process .* was terminated|all server processes terminated|database system was interrupted' "$log"; then
  echo "FAIL: the server log ($log) shows a crashed backend" >&2
  exit 1
fi
echo "ok   no backend crashed (server log $log)"
