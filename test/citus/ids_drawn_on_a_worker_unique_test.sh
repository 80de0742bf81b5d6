#!/usr/bin/env bash
# Rows written through a worker take identity ids no other node gives:
# user_games and game_tags rows inserted on each worker, next to the ones
# written through the coordinator (models: train_on_a_worker_test.sh).
# Before, each node's copy of the extension's identity sequences started at
# 1, so an insert through a worker failed with a duplicate key (or, for
# another player, repeated an id).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

coordinator -c "SELECT steam_rec.distribute()" >/dev/null
coordinator -f tools/sample_data.sql
coordinator -c "INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (999001, 'Worker One Game'), (999002, 'Worker Two Game')"
players=$(coordinator -c "SELECT string_agg(steam_id::text, ' ' ORDER BY steam_id) FROM (SELECT steam_id FROM steam_rec.users ORDER BY steam_id LIMIT 20) AS p")

out=$(mktemp); trap 'rm -f "$out"' EXIT
status=0
for player in $players; do
  worker1 -c "INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES ($player, 999001, 2)" \
    >>"$out" 2>&1 || status=1
  worker2 -c "INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES ($player, 999002, 3)" \
    >>"$out" 2>&1 || status=1
done
worker1 -c "INSERT INTO steam_rec.game_tags (appid, tag_name) VALUES (999001, 'From worker one')" >>"$out" 2>&1 || status=1
worker2 -c "INSERT INTO steam_rec.game_tags (appid, tag_name) VALUES (999002, 'From worker two')" >>"$out" 2>&1 || status=1
head -3 "$out" | sed 's/^/  /'
assert_equal "every insert through a worker succeeds" "0" "$status"
assert_equal "40 rows were written through the workers" "40" \
  "$(coordinator -c "SELECT count(*) FROM steam_rec.user_games WHERE appid IN (999001, 999002)")"
assert_equal "no two rows of user_games share an id" "0" \
  "$(coordinator -c "SELECT count(*) - count(DISTINCT id) FROM steam_rec.user_games")"
assert_equal "no two rows of game_tags share an id" "0" \
  "$(coordinator -c "SELECT count(*) - count(DISTINCT id) FROM steam_rec.game_tags")"

