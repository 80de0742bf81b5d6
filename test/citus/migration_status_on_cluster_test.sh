#!/usr/bin/env bash
# migration_status() on every node of a distributed cluster warns of real
# changes made outside the scripts, and of nothing else.  Before, each node
# reported every constraint of the shards it holds (287 warnings on a worker
# of this cluster) and every change distribute() makes on purpose (the key of
# user_games, the cascading foreign keys, the dropped triggers, the functions'
# Citus settings) as "changed outside the migration scripts".
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

coordinator -c "SELECT steam_rec.distribute()" >/dev/null
for node in "${nodes[@]}"; do
  assert_equal "$node: no drift after distribute(), shards and all" "" "$(drift "$node" | head -5)"
  assert_equal "$node: distribute() is the last logged step" "single node|adopt|distribute()" \
    "$("$node" -c "SELECT from_version || '|' || direction || '|' || script
                     FROM steam_rec.migration_history() ORDER BY id DESC LIMIT 1")"
done

steps_before=$(logged_steps worker1)
coordinator -c "SELECT steam_rec.distribute()" >/dev/null 2>&1
assert_equal "a second call, which changes nothing, logs nothing" "$steps_before" "$(logged_steps worker1)"

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

