#!/usr/bin/env bash
# migration_status() on every node of a distributed cluster warns of real
# changes made outside the scripts, and of nothing else.  Before, each node
# reported every constraint of the shards it holds (287 warnings on a worker
# of this cluster) and every change distribute() makes on purpose (the key of
# user_games, the cascading foreign keys, the dropped triggers, the functions'
# Citus settings) as "changed outside the migration scripts".  The coordinator
# logs the distributed form in distribute()'s transaction; a worker's form is
# committed only with it, so a worker logs its own on the next call.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

nodes=(coordinator worker1 worker2)
# drift NODE: the node's warnings of changes outside the scripts, one per line.
drift() {
  "$1" -c "SELECT w FROM steam_rec.migration_status(), unnest(warnings) AS w
            WHERE w LIKE 'changed outside the migration scripts:%' ORDER BY w"
}
logged_steps() { "$1" -c "SELECT count(*) FROM steam_rec.applied_migrations"; }

for node in "${nodes[@]}"; do
  assert_equal "$node: no drift before distribute()" "" "$(drift "$node")"
done

# A distribute() rolled back leaves no step logged on any node.
coordinator -c "BEGIN" -c "SELECT steam_rec.distribute()" -c "ROLLBACK" >/dev/null
for node in "${nodes[@]}"; do
  assert_equal "$node: a rolled back distribute() logs nothing" "0" \
    "$("$node" -c "SELECT count(*) FROM steam_rec.applied_migrations WHERE script = 'distribute()'")"
done

# An index on a table that stays local, on the coordinator only: drift there,
# taken into its distribute() step; a worker never had it and must not report
# it removed.
coordinator -c "CREATE INDEX coordinator_only_idx ON steam_rec.applied_migrations (applied_by)"
coordinator -c "SELECT steam_rec.distribute()" >/dev/null
assert_equal "coordinator: no drift after distribute(), its shards' neither" "" "$(drift coordinator | head -5)"
assert_true "worker1: the distributed form is not logged there before the next call" \
  "drift worker1 | grep -q 'removed trigger CREATE TRIGGER models_delete_rows'"
# A caller granted EXECUTE alone is told nothing changed, and logs nothing.
coordinator -c "CREATE ROLE regress_tenant LOGIN" -c "GRANT USAGE ON SCHEMA steam_rec TO regress_tenant" \
            -c "GRANT EXECUTE ON FUNCTION steam_rec.distribute() TO regress_tenant"
assert_equal "a non-owner's next call only says nothing changed" \
  "NOTICE:  steam_rec's tables are already distributed; nothing changed" \
  "$(coordinator -U regress_tenant -c "SELECT count(*) FROM steam_rec.distribute()" 2>&1 >/dev/null)"
assert_equal "worker1: and logs nothing there" "0" \
  "$(worker1 -c "SELECT count(*) FROM steam_rec.applied_migrations WHERE script = 'distribute()'")"
# With worker2 down, the owner's next call warns, and worker1 logs its form.
as_postgres "$BIN/pg_ctl" -D "$CITUS_DIR/worker2" -m fast -w stop >/dev/null
out=$(coordinator -c "SELECT count(*) FROM steam_rec.distribute()" 2>&1 >/dev/null)
assert_true "a worker down: a warning, not an error" \
  "grep -q '^WARNING:  steam_rec.distribute() could not log the distributed form on worker' <<<\"\$out\""
assert_equal "worker1: no drift once that call has run" "" "$(drift worker1 | head -5)"
as_postgres "$BIN/pg_ctl" -D "$CITUS_DIR/worker2" -l "$CITUS_DIR/worker2.log" -w start \
  >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
coordinator -c "SELECT steam_rec.distribute()" >/dev/null 2>&1
for node in "${nodes[@]}"; do
  assert_equal "$node: no drift once the owner's next call has run" "" "$(drift "$node" | head -5)"
  assert_equal "$node: distribute() is the last logged step" "single node|adopt|distribute()" \
    "$("$node" -c "SELECT from_version || '|' || direction || '|' || script
                     FROM steam_rec.migration_history() ORDER BY id DESC LIMIT 1")"
done

steps_before=$(logged_steps worker1),$(logged_steps coordinator)
coordinator -c "SELECT steam_rec.distribute()" >/dev/null 2>&1
assert_equal "a third call logs nothing" "$steps_before" "$(logged_steps worker1),$(logged_steps coordinator)"

# A real change, made outside the scripts: reported once on every node, by
# the table's name, not again for each of its shards.
coordinator -c "CREATE INDEX users_country_idx ON steam_rec.users (country)"
for node in "${nodes[@]}"; do
  assert_equal "$node: the DBA's index is the only drift" \
    "changed outside the migration scripts: added index CREATE INDEX users_country_idx ON steam_rec.users USING btree (country)" \
    "$(drift "$node")"
done
# (pg_index by name: Citus hides the shards from queries of pg_class.)
assert_true "the workers hold the index's shard copies, which are not reported" \
  "[ $(worker1 -c "SELECT count(*) FROM pg_index WHERE indexrelid::regclass::text LIKE 'steam_rec.users_country_idx_%'") -gt 0 ]"

# A shard moved from worker1 leaves its old copy there until Citus cleans it
# up (kept here with the cleanup deferred): it is not reported either.
for port in "$COORDINATOR_PORT" "$WORKER1_PORT" "$WORKER2_PORT"; do
  on_node "$port" -d postgres -c "ALTER SYSTEM SET citus.defer_shard_delete_interval = -1" -c "SELECT pg_reload_conf()" >/dev/null
done
moved=$(coordinator -c "SELECT p.shardid FROM pg_dist_shard_placement AS p JOIN pg_dist_shard AS s USING (shardid)
                         WHERE s.logicalrelid = 'steam_rec.users'::regclass AND p.nodeport = $WORKER1_PORT
                         ORDER BY p.shardid LIMIT 1")
coordinator -c "SELECT citus_move_shard_placement($moved, '$CITUS_DIR', $WORKER1_PORT, '$CITUS_DIR', $WORKER2_PORT, 'block_writes')" >/dev/null
assert_equal "the old copy of shard $moved is still on worker1" "1" \
  "$(worker1 -c "SELECT count(*) FROM pg_index WHERE indexrelid::regclass::text = 'steam_rec.users_pkey_$moved'")"
for node in "${nodes[@]}"; do
  assert_equal "$node: after the move the DBA's index is still the only drift" \
    "changed outside the migration scripts: added index CREATE INDEX users_country_idx ON steam_rec.users USING btree (country)" \
    "$(drift "$node")"
done
