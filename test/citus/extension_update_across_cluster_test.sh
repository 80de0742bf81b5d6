#!/usr/bin/env bash
# ALTER EXTENSION steam_rec UPDATE on the coordinator of a distributed cluster
# reaches every node, up from the previous release and back down: every node
# ends at the same version, no shard or reference-table copy on any node loses
# or changes a row (row counts and a hash of each) but the stored models'
# parameters, which the update writes once on every copy alike and the
# downgrade restores, the Citus settings of the functions stay (the update adds
# those of model_report(), migrate() and adopt_alembic(), as distribute()
# gives them, and the downgrade removes them),
# and recommend() is still sent whole to the player's worker.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

previous=1.5
current=$(coordinator -c "SELECT default_version FROM pg_available_extensions WHERE name = 'steam_rec'")

# The previous release on every node, distributed with its recipe, with data
# on the workers: the sample, a trained model and stored lists.
coordinator -c "SET steam_rec.allow_drop = on" -c "DROP EXTENSION steam_rec"
coordinator -c "CREATE EXTENSION steam_rec VERSION '$previous'"
coordinator -f docs/citus_distribute.sql >/dev/null
coordinator -f tools/sample_data.sql
coordinator -c "SELECT steam_rec.train('hybrid')" >/dev/null
coordinator -c "SELECT steam_rec.refresh_recommendations(NULL, 10)" >/dev/null

versions() {
  local node
  for node in coordinator worker1 worker2; do
    "$node" -c "SELECT extversion FROM pg_extension WHERE extname = 'steam_rec'"
  done | paste -sd,
}

# Every table copy the node holds of steam_rec's Citus tables (the shards and
# the reference tables' copies, named table_SHARDID): name, rows, and an md5 of
# its rows in order.  Citus hides shards from pg_class unless asked.
copies() {
  "$1" -c "SET citus.override_table_visibility = off" -c "
    SELECT string_agg(format('%s:%s', c.relname,
                             (xpath('/row/h/text()', query_to_xml(format(
                                'SELECT count(*) || ''/'' || md5(coalesce(string_agg(t::text, '','' ORDER BY t::text), '''')) AS h
                                   FROM steam_rec.%I AS t', c.relname), false, true, '')))[1]::text), ' ' ORDER BY c.relname)
      FROM pg_class c
     WHERE c.relnamespace = 'steam_rec'::regnamespace AND c.relkind = 'r' AND c.relname ~ '_[0-9]+\$'"
}
snapshot() {
  local node
  for node in coordinator worker1 worker2; do echo "$node $(copies "$node")"; done
}

# The player's list, and that the call through the coordinator went to one worker.
player=$(coordinator -c "SELECT min(steam_id) FROM steam_rec.users")
list() { coordinator -c "SELECT string_agg(appid::text, ',' ORDER BY rank) FROM steam_rec.recommend($player, 10)"; }
routed() {
  coordinator -c "SET citus.log_remote_commands = on" -c "SELECT count(*) FROM steam_rec.recommend($player, 10)" 2>&1 |
    grep -c 'issuing SELECT .*steam_rec.recommend(' || true
}
settings() {
  local node
  for node in coordinator worker1 worker2; do
    "$node" -c "SELECT string_agg(proname || '=' || array_to_string(proconfig, ';'), ' & ' ORDER BY proname)
                  FROM pg_proc WHERE pronamespace = 'steam_rec'::regnamespace AND array_to_string(proconfig, ';') LIKE '%citus%'"
  done | paste -sd'|'
}

rows_before=$(coordinator -c "SELECT (SELECT count(*) FROM steam_rec.user_games) || '/' || (SELECT count(*) FROM steam_rec.recommendations)")
assert_true "the sample is on the cluster ($rows_before user_games/recommendations rows)" "[ ${rows_before%/*} -gt 1000 ] && [ ${rows_before#*/} -gt 1000 ]"
snapshot_before=$(snapshot)
assert_true "both workers hold shards of user_games with rows" \
  "grep -q '^worker1 .*user_games_[0-9]*:[1-9]' <<<\"\$snapshot_before\" && grep -q '^worker2 .*user_games_[0-9]*:[1-9]' <<<\"\$snapshot_before\""
list_before=$(list)
settings_before=$(settings)
assert_equal "recommend() is routed to one worker before the update" "1" "$(routed)"

# covering_index: per node, how many of its copies of user_games (the table
# and its shards) have the covering index of a player's games (1.6), as
# "with the index/copies".
covering_index() {
  local node
  for node in coordinator worker1 worker2; do
    "$node" -c "SET citus.override_table_visibility = off" -c "
      SELECT count(*) FILTER (WHERE EXISTS (SELECT FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
                                             WHERE i.indrelid = t.oid AND x.relname LIKE 'user_games_player_games%'))
             || '/' || count(*)
        FROM pg_class t
       WHERE t.relnamespace = 'steam_rec'::regnamespace AND t.relname ~ '^user_games(_[0-9]+)?\$'"
  done | paste -sd,
}

# without_models SNAPSHOT: the snapshot without the copies of models.
without_models() { sed -E 's/ models_[0-9]+:[^ ]*//g' <<<"$1"; }

# settings_at VERSION: the Citus settings of the functions every node should
# have at VERSION: the previous release's, and those of model_report(),
# migrate() and adopt_alembic() from 1.6 on.
added_settings="adopt_alembic=search_path=pg_catalog, pg_temp;citus.multi_shard_modify_mode=sequential
migrate=search_path=pg_catalog, pg_temp;citus.multi_shard_modify_mode=sequential
model_report=search_path=pg_catalog, pg_temp;citus.multi_shard_modify_mode=sequential"
settings_at() {
  if [ "$1" = "$previous" ]; then echo "$settings_before"; return; fi
  local node_settings
  IFS='|' read -r -a node_settings <<<"$settings_before"
  for node_settings in "${node_settings[@]}"; do
    { sed 's/ & /\n/g' <<<"$node_settings"; echo "$added_settings"; } | LC_ALL=C sort | sed ':a;N;$!ba;s/\n/ \& /g'
  done | paste -sd'|'
}

# check STEP VERSION EXPECTED: after STEP, every node is at VERSION and every
# copy holds the rows of the snapshot EXPECTED.
check() {
  assert_equal "$1: every node is at $2" "$2,$2,$2" "$(versions)"
  local after; after=$(snapshot)
  if [ "$after" != "$3" ]; then
    diff <(tr ' ' '\n' <<<"$3") <(tr ' ' '\n' <<<"$after") || true
  fi
  assert_equal "$1: every shard and reference copy on every node has the same rows" "$3" "$after" >/dev/null
  assert_equal "$1: the Citus settings of the functions are those of $2 on every node" "$(settings_at "$2")" "$(settings)"
  assert_equal "$1: recommend() is still routed to one worker" "1" "$(routed)"
  assert_equal "$1: the player's list is the same" "$list_before" "$(list)"
}

coordinator -c "ALTER EXTENSION steam_rec UPDATE TO '$current'"
# The update writes the parameters a model stored at $previous was trained
# with (keys whose default changed since) into models, on every copy alike;
# every other copy keeps its rows.
snapshot_updated=$(snapshot)
assert_equal "update to $current: every copy but the models' keeps its rows" \
  "$(without_models "$snapshot_before")" "$(without_models "$snapshot_updated")" >/dev/null
models_copies=$(grep -o ' models_[0-9]*:[^ ]*' <<<"$snapshot_updated" | sort | uniq -c | awk '{ print $1 }' | sort -u | paste -sd,)
assert_equal "update to $current: the models' copies are alike on every node" "3" "$models_copies"
assert_true "update to $current: the model trained at $previous has its old parameters written" \
  "[ \"\$(coordinator -c \"SELECT count(*) FROM steam_rec.models WHERE params ? 'new_game_weight'\")\" -gt 0 ]"
check "update to $current" "$current" "$snapshot_updated"
index_after=$(covering_index)
assert_equal "update to $current: user_games and every shard of it on every node have the covering index ($index_after)" \
  "yes" "$(awk -F, '{ ok = "yes"; for (i = 1; i <= NF; i++) { split($i, p, "/"); if (p[1] != p[2] || p[2] == 0) ok = "no" } print ok }' <<<"$index_after")"
assert_equal "distribute() after the update finds the recipe's form and changes nothing" \
  "NOTICE:  steam_rec's tables are already distributed; nothing changed" \
  "$(coordinator -c "SELECT count(*) FROM steam_rec.distribute()" 2>&1 >/dev/null)"
check "distribute() after the update" "$current" "$snapshot_updated"

coordinator -c "ALTER EXTENSION steam_rec UPDATE TO '$previous'"
check "downgrade to $previous" "$previous" "$snapshot_before"
index_after=$(covering_index)
assert_equal "downgrade to $previous: the covering index is gone from every copy of user_games ($index_after)" \
  "yes" "$(awk -F, '{ ok = "yes"; for (i = 1; i <= NF; i++) { split($i, p, "/"); if (p[1] != 0) ok = "no" } print ok }' <<<"$index_after")"
assert_equal "distribute() is gone from every node" "0,0,0" \
  "$(for node in coordinator worker1 worker2; do "$node" -c "SELECT count(*) FROM pg_proc WHERE proname = 'distribute'"; done | paste -sd,)"

coordinator -c "ALTER EXTENSION steam_rec UPDATE TO '$current'"
check "update to $current again" "$current" "$snapshot_updated"
for node in coordinator worker1 worker2; do
  assert_equal "update to $current again: $node reports no change outside the scripts, its shards' neither" "" \
    "$("$node" -c "SELECT w FROM steam_rec.migration_status(), unnest(warnings) AS w
                    WHERE w LIKE 'changed outside the migration scripts:%'" | head -3)"
done

# The cluster still works after the round trip: a refresh rewrites every list.
coordinator -c "SELECT steam_rec.refresh_recommendations(NULL, 10)" >/dev/null
assert_equal "refresh_recommendations() after the round trip keeps the list" "$list_before" \
  "$(coordinator -c "SELECT string_agg(appid::text, ',' ORDER BY rank) FROM steam_rec.recommendations WHERE user_steam_id = $player")"
