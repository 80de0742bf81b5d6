#!/usr/bin/env bash
# Runs inside pg_virtualenv (PGHOST, PGPORT, PGUSER, PGPASSWORD set): the
# pg_regress and isolation suites, every integration test in this folder, a
# short fuzzing run, then a check of the server log for crashed backends.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

failed=0
make -s installcheck || { cat build/regress/regression.diffs 2>/dev/null || true; failed=1; }

for test in test/integration/*_test.sh test/integration/*_test.py; do
  [ -e "$test" ] || continue
  printf '\n--- %s\n' "$test"
  if "$test"; then echo "ok   $test"; else echo "FAIL $test"; failed=1; fi
done

printf '\n--- test/fuzz/fuzz_functions.py (short run)\n'
test/fuzz/fuzz_functions.py --calls 2000 || failed=1

test/lib/check_server_log.sh || failed=1
exit $failed
