#!/usr/bin/env bash
# steam_rec.distribute(): per-player tables sharded by player and colocated,
# per-game tables and models replicated to every node, foreign keys and the
# engagement trigger kept; rows already loaded move to the workers, rows
# written through the coordinator land there too.  It refuses to run without
# Citus or on a worker, a second call changes nothing, and a call that failed
# because a worker was down can be repeated once the worker is back.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

version=$(coordinator -c "SELECT extversion FROM pg_extension WHERE extname = 'steam_rec'")
assert_equal "CREATE EXTENSION reached both workers" "$version|$version" \
  "$(worker1 -c "SELECT extversion FROM pg_extension WHERE extname = 'steam_rec'")|$(worker2 -c "SELECT extversion FROM pg_extension WHERE extname = 'steam_rec'")"

# sqlstate_of NODE SQL: the SQLSTATE and message of the error SQL raises there.
sqlstate_of() {
  local node=$1; shift
  "$node" -v VERBOSITY=verbose -c "$1" 2>&1 | grep -o 'ERROR: *[0-9A-Z]\{5\}: .*' | head -1 || true
}
on_node "$COORDINATOR_PORT" -d postgres -c "CREATE DATABASE without_citus"
on_node "$COORDINATOR_PORT" -d without_citus -c "CREATE EXTENSION steam_rec"
without_citus() { on_node "$COORDINATOR_PORT" -d without_citus "$@"; }
assert_equal "without Citus distribute() is refused with 55000" \
  "ERROR:  55000: steam_rec.distribute() needs the citus extension" \
  "$(sqlstate_of without_citus "SELECT steam_rec.distribute()")"
assert_equal "on a worker distribute() is refused with 55000" \
  "ERROR:  55000: steam_rec.distribute() runs on the Citus coordinator" \
  "$(sqlstate_of worker1 "SELECT steam_rec.distribute()")"

# Half of the sample is loaded before distributing, the rest after.
coordinator -f tools/sample_data.sql
coordinator -c "DELETE FROM steam_rec.users WHERE steam_id % 2 = 0"
before=$(coordinator -c "SELECT count(*) FROM steam_rec.user_games")

# A worker that is down fails the call, which leaves nothing distributed; once
# the worker is back the same call succeeds.
as_postgres "$BIN/pg_ctl" -D "$CITUS_DIR/worker2" -m immediate -w stop >/dev/null
assert_equal "distribute() with a worker down fails with 08006" \
  "ERROR:  08006: steam_rec.distribute() could not change worker $CITUS_DIR:$WORKER2_PORT" \
  "$(sqlstate_of coordinator "SELECT steam_rec.distribute()")"
assert_equal "the failed call distributed nothing" "0" "$(coordinator -c "SELECT count(*) FROM pg_dist_partition")"
as_postgres "$BIN/pg_ctl" -D "$CITUS_DIR/worker2" -l "$CITUS_DIR/worker2.log" -w start >/dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-

forms=$(coordinator -c "SELECT table_name || ':' || distribution FROM steam_rec.distribute()" | paste -sd,)
expected_forms="recommendations:by user_steam_id,user_games:by user_steam_id,users:by steam_id,catalog_cache:reference,engagement_prior:reference,game_stats:reference,game_tags:reference,model_games:reference,model_governance:reference,model_tags:reference,models:reference"
assert_equal "distribute() reports each table's form" "$expected_forms" "$forms"
assert_equal "the rows loaded before are all still there" "$before" "$(coordinator -c "SELECT count(*) FROM steam_rec.user_games")"
assert_equal "the coordinator's own copy of the loaded rows is removed" "0|0|0" \
  "$(coordinator -c "SELECT pg_relation_size('steam_rec.users') || '|' || pg_relation_size('steam_rec.user_games')
                      || '|' || pg_relation_size('steam_rec.catalog_cache')")"

second=$(coordinator -c "SELECT table_name || ':' || distribution FROM steam_rec.distribute()" 2>&1 | paste -sd,)
assert_equal "a second call changes nothing and says so" \
  "NOTICE:  steam_rec's tables are already distributed; nothing changed,$expected_forms" "$second"

# The whole sample again, written through the coordinator after distributing.
coordinator -c "SET client_min_messages = warning" -c "SET steam_rec.allow_drop = on" -c "TRUNCATE steam_rec.users, steam_rec.catalog_cache CASCADE"
coordinator -f tools/sample_data.sql

assert_equal "users, user_games, recommendations distributed by player in one colocation group" \
  "recommendations|user_steam_id|h,user_games|user_steam_id|h,users|steam_id|h|1" \
  "$(coordinator -c "SELECT string_agg(c.relname || '|' || column_to_column_name(p.logicalrelid, p.partkey) || '|' || p.partmethod::text, ',' ORDER BY c.relname)
                      || '|' || count(DISTINCT p.colocationid)
                       FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid
                      WHERE p.partmethod = 'h'")"
assert_equal "per-game tables and model tables are reference tables" \
  "catalog_cache,engagement_prior,game_stats,game_tags,model_games,model_governance,model_tags,models" \
  "$(coordinator -c "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_dist_partition p
                       JOIN pg_class c ON c.oid = p.logicalrelid WHERE p.partmethod = 'n' AND p.repmodel = 't'")"
assert_equal "recommend() is distributed by its first argument, colocated with users" "0|true" \
  "$(coordinator -c "SELECT o.distribution_argument_index || '|'
                             || (o.colocationid = (SELECT colocationid FROM pg_dist_partition WHERE logicalrelid = 'steam_rec.users'::regclass))
                       FROM pg_dist_object o
                      WHERE o.classid = 'pg_proc'::regclass
                        AND o.objid = 'steam_rec.recommend(bigint, integer, boolean, text[], text[], integer[], real)'::regprocedure")"

total=$(coordinator -c "SELECT count(*) FROM steam_rec.user_games")
# Each worker holds a part of the rows in its shards (citus.override_table_visibility
# off shows them by name), and the parts add up to the whole.
shard_rows() {
  "$1" -c "SET citus.override_table_visibility = off" -c "
    SELECT coalesce(sum((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM steam_rec.%I', relname), false, true, '')))[1]::text::bigint), 0)
      FROM pg_class WHERE relnamespace = 'steam_rec'::regnamespace AND relkind = 'r' AND relname ~ '^user_games_[0-9]+\$'"
}
w1=$(shard_rows worker1); w2=$(shard_rows worker2)
assert_true "both workers hold player rows ($w1 + $w2 of $total)" "[ $w1 -gt 0 ] && [ $w2 -gt 0 ] && [ $((w1 + w2)) -eq $total ]"
assert_equal "the coordinator holds no player rows locally" "0" "$(shard_rows coordinator)"

assert_equal "the engagement trigger scored every row on the shards" "$total" \
  "$(coordinator -c "SELECT count(engagement_score) FROM steam_rec.user_games")"
assert_equal "user_games' primary key includes the player" "PRIMARY KEY (user_steam_id, id)" \
  "$(coordinator -c "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'user_games_pkey'")"

# Foreign keys kept: an unknown player or game is refused with 23503.
# On a shard the constraint's name carries the shard number: compare the stem.
refused() { coordinator -c "$1" 2>&1 | grep -o 'violates foreign key constraint "[a-z_]*[a-z]' || true; }
assert_equal "user_games refuses an unknown player" 'violates foreign key constraint "user_games_user_steam_id_fkey' \
  "$(refused "INSERT INTO steam_rec.user_games (user_steam_id, appid) VALUES (1, 730)")"
assert_equal "game_tags refuses an unknown game" 'violates foreign key constraint "game_tags_appid_fkey' \
  "$(refused "INSERT INTO steam_rec.game_tags (appid, tag_name) VALUES (999999, 'x')")"
player=$(coordinator -c "SELECT min(steam_id) FROM steam_rec.users")
coordinator -c "DELETE FROM steam_rec.users WHERE steam_id = $player"
assert_equal "deleting a player cascades to the player's games on the worker" "0" \
  "$(coordinator -c "SELECT count(*) FROM steam_rec.user_games WHERE user_steam_id = $player")"
