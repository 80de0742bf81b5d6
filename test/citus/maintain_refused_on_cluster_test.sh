#!/usr/bin/env bash
# CALL steam_rec.maintain() on a Citus cluster is refused up front with
# 0A000 and a hint naming the jobs to schedule one by one, and logs nothing.
# Before, it failed in its first step ("subqueries are not supported within
# INSERT queries"), and past that in its last.  The jobs themselves run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

coordinator -c "SELECT steam_rec.distribute()" >/dev/null
coordinator -f tools/sample_data.sql >/dev/null
out=$(coordinator -v VERBOSITY=verbose -c "CALL steam_rec.maintain()" 2>&1 || true)
assert_equal "maintain() is refused with 0A000" \
  "ERROR:  0A000: maintain() does not run on a Citus cluster yet" "$(grep -o '^ERROR: .*' <<<"$out" | head -1)"
assert_true "the hint names the jobs" "grep -q 'refresh_engagement(), steam_rec.train()' <<<\"\$out\""
assert_equal "nothing is logged" "0" "$(coordinator -c "SELECT count(*) FROM steam_rec.maintenance_log")"
assert_true "the jobs run one by one" \
  "coordinator -c \"SELECT steam_rec.refresh_engagement(), steam_rec.train('itemknn'), steam_rec.refresh_recommendations()\" >/dev/null"
