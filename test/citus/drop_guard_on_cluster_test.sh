#!/usr/bin/env bash
# The DROP guard counts the rows of a distributed cluster: DROP EXTENSION
# steam_rec CASCADE on the coordinator is refused while the players' shards
# and the reference tables hold rows, the tables named, and nothing is
# dropped on any node; in a REPEATABLE READ transaction, and for a table with
# row-level security unless the caller is a superuser, it refuses to count.
# Before, the guard read only the coordinator's own heaps, which distribute()
# leaves empty, and the drop went through.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

coordinator -c "SELECT steam_rec.distribute()" >/dev/null

# Above READ COMMITTED the shards would be read under a snapshot taken before
# rows another session committed since: the guard refuses to count there.
# Before, the drop below went through with those rows in the shards.
load_sample="psql -X -q -h $CITUS_DIR -p $COORDINATOR_PORT -U postgres -d steam_rec -f tools/sample_data.sql"
out=$(coordinator -v VERBOSITY=verbose -c "BEGIN ISOLATION LEVEL REPEATABLE READ" \
        -c "SET LOCAL citus.multi_shard_modify_mode TO sequential" \
        -c "SELECT count(*) FROM steam_rec.users" -c "\\! $load_sample >/dev/null" \
        -c "DROP EXTENSION steam_rec CASCADE" -c "COMMIT" 2>&1 || true)
assert_equal "in REPEATABLE READ the guard refuses to count a Citus table (25000)" \
  "ERROR:  25000: the DROP guard cannot count the rows of Citus table" \
  "$(grep -o '^ERROR: .*' <<<"$out" | head -1 | grep -o '^.*Citus table')"
assert_true "the rows committed meanwhile are there" \
  "[ \"\$(coordinator -c 'SELECT count(*) FROM steam_rec.users')\" -gt 0 ]"
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

# A role with the owner's rights that is not a superuser, under policies
# that hide every row from it (FORCE ROW LEVEL SECURITY): the shards would be
# counted empty.  The guard counts a table with row-level security only for
# a superuser.  Before, the drop went through (rolled back here).
coordinator -c "CREATE ROLE steam_admin; GRANT postgres TO steam_admin"
for table in users user_games recommendations catalog_cache game_tags game_stats engagement_prior \
             models model_games model_tags model_governance; do
  coordinator -c "ALTER TABLE steam_rec.$table ENABLE ROW LEVEL SECURITY" \
              -c "ALTER TABLE steam_rec.$table FORCE ROW LEVEL SECURITY" \
              -c "CREATE POLICY hide_every_row ON steam_rec.$table USING (false)"
done
assert_equal "the policies hide every player from that role" "0" \
  "$(coordinator -c "SET ROLE steam_admin" -c "SELECT count(*) FROM steam_rec.users" | tail -1)"
# drop_as_steam_admin: the first error of DROP EXTENSION run as that role, rolled back.
drop_as_steam_admin() {
  local out
  out=$(coordinator -v VERBOSITY=verbose -c "BEGIN" -c "SET ROLE steam_admin" \
                    -c "DROP EXTENSION steam_rec CASCADE" -c "ROLLBACK" 2>&1 || true)
  grep -o '^ERROR: .*' <<<"$out" | head -1 || true
}
refused="ERROR:  42501: the DROP guard cannot count the rows of Citus table users: it has row-level security and role steam_admin is not a superuser"
assert_equal "the guard refuses to count under row-level security (42501)" "$refused" "$(drop_as_steam_admin)"
# The policies apply on the workers, where the role may differ: BYPASSRLS
# given on the coordinator only still leaves the shards hidden there.
coordinator -c "SET citus.enable_alter_role_propagation = off" -c "ALTER ROLE steam_admin BYPASSRLS"
assert_equal "with BYPASSRLS on the coordinator only, it still refuses to count (42501)" "$refused" \
  "$(drop_as_steam_admin)"

coordinator -c "SET steam_rec.allow_drop = on" -c "DROP EXTENSION steam_rec CASCADE"
assert_equal "with steam_rec.allow_drop on, the drop goes through" "0" \
  "$(coordinator -c "SELECT count(*) FROM pg_extension WHERE extname = 'steam_rec'")"
