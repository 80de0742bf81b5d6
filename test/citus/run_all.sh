#!/usr/bin/env bash
# Runs every test in this folder against one throwaway Citus cluster
# (coordinator + 2 workers, tools/citus_cluster.sh).  Needs citus.so installed
# (tools/citus_build.sh); skips with one line when it is not.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

if [ ! -f "$(/usr/lib/postgresql/15/bin/pg_config --pkglibdir)/citus.so" ]; then
  echo "citus tests: skipped (citus.so is not installed; tools/run citus builds it)"
  exit 0
fi

failed=0
for test in test/citus/*_test.sh; do
  dir=$(mktemp -d /tmp/steam_rec_citus.XXXXXX)
  rmdir "$dir"
  printf '\n--- %s\n' "$test"
  if tools/citus_cluster.sh start "$dir" >/dev/null && CITUS_ENV="$dir/env" "$test"; then
    echo "ok   $test"
  else
    echo "FAIL $test (server logs: $dir/*.log)"
    failed=1
    cp "$dir"/*.log /tmp/ 2>/dev/null || true
  fi
  tools/citus_cluster.sh stop "$dir"
done
exit $failed
