#!/usr/bin/env bash
# steam_rec.distribute() in a REPEATABLE READ or SERIALIZABLE transaction is
# refused with 25000 before it changes anything: its snapshot cannot see a
# distribution another session committed after it was taken.  Before, a call
# whose snapshot predated another session's distribute() found nothing
# distributed, ran its commands on the workers' Citus tables and failed with
# 08006 "could not change worker", with a hint to make the worker reachable.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

coordinator -f tools/sample_data.sql
out=$(mktemp); trap 'rm -f "$out"' EXIT
# The snapshot is taken (SELECT 1) before the other session distributes.
coordinator -v VERBOSITY=verbose -c "BEGIN ISOLATION LEVEL REPEATABLE READ" -c "SELECT 1" -c "SELECT pg_sleep(5)" \
            -c "SELECT count(*) FROM steam_rec.distribute()" -c "COMMIT" >"$out" 2>&1 &
late=$!
sleep 1
assert_equal "the other session distributes the eleven tables" "11" \
  "$(coordinator -c "SELECT count(*) FROM steam_rec.distribute()")"
wait "$late" || true
grep -E '^(ERROR|HINT)' "$out" | sed 's/^/  /'
assert_equal "the call with the older snapshot is refused with 25000" \
  "ERROR:  25000: steam_rec.distribute() needs a READ COMMITTED transaction" \
  "$(grep -o '^ERROR: .*' "$out" | head -1)"
assert_equal "eleven Citus tables" "11" "$(coordinator -c "SELECT count(*) FROM pg_dist_partition")"
for node in coordinator worker1 worker2; do
  assert_equal "game_tags keeps its key to catalog_cache on the $node" "1" \
    "$("$node" -c "SELECT count(*) FROM pg_constraint WHERE conrelid = 'steam_rec.game_tags'::regclass
                                                     AND conname = 'game_tags_appid_fkey'")"
done
