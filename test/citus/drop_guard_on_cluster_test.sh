#!/usr/bin/env bash
# The DROP guard counts the rows of a distributed cluster: DROP EXTENSION
# steam_rec CASCADE on the coordinator is refused while the players' shards
# and the reference tables hold rows, the tables named, and nothing is
# dropped on any node.  Before, the guard read only the coordinator's own
# heaps, which distribute() leaves empty, and the drop went through.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

coordinator -c "SELECT steam_rec.distribute()" >/dev/null
coordinator -f tools/sample_data.sql >/dev/null
coordinator -c "SELECT steam_rec.train('popularity')" >/dev/null
assert_equal "no maintenance setting was changed (a local table with rows)" "0" \
  "$(coordinator -c "SELECT count(*) FROM steam_rec.maintenance_changed_settings")"

out=$(coordinator -v VERBOSITY=verbose -c "DROP EXTENSION steam_rec CASCADE" 2>&1 || true)
assert_equal "DROP EXTENSION on the coordinator is refused with 2BP01" \
  "ERROR:  2BP01: DROP EXTENSION would drop extension steam_rec and delete the rows of its tables" \
  "$(grep -o '^ERROR: .*' <<<"$out" | head -1)"
assert_true "the refusal names the sharded and the reference tables" \
  "grep -q 'steam_rec.users' <<<\"\$out\" && grep -q 'steam_rec.user_games' <<<\"\$out\" && grep -q 'steam_rec.catalog_cache' <<<\"\$out\" && grep -q 'steam_rec.models' <<<\"\$out\""
# A worker refuses any DROP EXTENSION itself (Citus runs it from the coordinator only).
worker_out=$(worker1 -c "DROP EXTENSION steam_rec CASCADE" 2>&1 || true)
assert_true "a worker refuses it as well" "grep -q 'ERROR' <<<\"\$worker_out\""
assert_equal "steam_rec is still installed on every node" "1,1,1" \
  "$(for node in coordinator worker1 worker2; do "$node" -c "SELECT count(*) FROM pg_extension WHERE extname = 'steam_rec'"; done | paste -sd,)"
assert_true "the rows are all still there" \
  "[ \"\$(coordinator -c 'SELECT count(*) FROM steam_rec.user_games')\" -gt 1000 ]"

out=$(coordinator -c "DROP SCHEMA steam_rec CASCADE" 2>&1 || true)
assert_true "DROP SCHEMA steam_rec CASCADE is refused too" "grep -q '2BP01\\|would drop extension steam_rec' <<<\"\$out\""

coordinator -c "SET steam_rec.allow_drop = on" -c "DROP EXTENSION steam_rec CASCADE"
assert_equal "with steam_rec.allow_drop on, the drop goes through" "0" \
  "$(coordinator -c "SELECT count(*) FROM pg_extension WHERE extname = 'steam_rec'")"
