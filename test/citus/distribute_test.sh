#!/usr/bin/env bash
# docs/citus_distribute.sql: per-player tables sharded by player and
# colocated, per-game tables and models replicated to every node, foreign keys
# and the engagement trigger kept; rows written through the coordinator land
# on the workers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

version=$(coordinator -c "SELECT extversion FROM pg_extension WHERE extname = 'steam_rec'")
assert_equal "CREATE EXTENSION reached both workers" "$version|$version" \
  "$(worker1 -c "SELECT extversion FROM pg_extension WHERE extname = 'steam_rec'")|$(worker2 -c "SELECT extversion FROM pg_extension WHERE extname = 'steam_rec'")"

coordinator -f docs/citus_distribute.sql >/dev/null
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
