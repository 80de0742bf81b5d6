#!/usr/bin/env bash
# pg_dump -Fc / pg_restore keeps every row of every steam_rec table (a
# re-ranked model's included, which serves the same list), and the identity
# sequences go on without collisions after the restore.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/dump_restore.sh"

source_db=steam_rec_dump_source
target_db=steam_rec_dump_target
fresh_dump_databases $source_db $target_db
psql_in $source_db <<'SQL'
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username, country, last_sync)
SELECT 76561197960265728 + n, 'player_' || n, CASE WHEN n % 2 = 0 THEN 'SE' END, now()
  FROM generate_series(1, 300) AS n;
INSERT INTO steam_rec.catalog_cache (appid, name, price_cents)
SELECT appid, 'Game ' || appid, appid FROM generate_series(1, 100) AS appid;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT 76561197960265728 + p, appid, p * appid % 17
  FROM generate_series(1, 300) AS p, generate_series(1, 100) AS appid WHERE (p + appid) % 5 = 0;
-- Leave a gap at the end of the sequence: the restored sequence must keep it.
DELETE FROM steam_rec.user_games WHERE id > (SELECT max(id) - 10 FROM steam_rec.user_games);
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT appid, 'Tag ' || t, t FROM generate_series(1, 100) AS appid, generate_series(1, 3) AS t;
INSERT INTO steam_rec.recommendations (user_steam_id, appid, rank, score, algorithm)
SELECT 76561197960265728 + p, appid, appid, 1.0 / appid, 'popularity'
  FROM generate_series(1, 300) AS p, generate_series(1, 10) AS appid;
-- A re-ranked model (1.7): its model_rerankers row is dumped with the rest.
SELECT steam_rec.train('hybrid', '{"rerank_candidates": 20}');
SQL

fingerprint_sql=$(fingerprint_sql users user_games catalog_cache game_tags recommendations user_games_id_seq game_tags_id_seq \
                                  models model_games model_tags model_rerankers)
list_sql="SELECT string_agg(appid::text, ',' ORDER BY rank) FROM steam_rec.recommend(76561197960265733, 10)"

before=$(psql_value $source_db "$fingerprint_sql")
dump_and_restore $source_db $target_db
after=$(psql_value $target_db "$fingerprint_sql")
assert_equal "every row and sequence position survives dump and restore" "$before" "$after"
assert_equal "the re-ranked model's row is among them" "1" "$(psql_value $target_db "SELECT count(*) FROM steam_rec.model_rerankers")"
assert_equal "the restored model serves the same list" "$(psql_value $source_db "$list_sql")" \
  "$(psql_value $target_db "$list_sql")"

version_sql="SELECT extversion FROM pg_extension WHERE extname = 'steam_rec'"
assert_equal "restored at the same version" "$(psql_value $source_db "$version_sql")" \
  "$(psql_value $target_db "$version_sql")"

history_sql="SELECT string_agg(format('%s %s %s %s %s', id, from_version, to_version, script, applied_at), '; ' ORDER BY id)
               FROM steam_rec.migration_history()"
assert_equal "the migration history is the dump's, without duplicates" \
  "$(psql_value $source_db "$history_sql")" "$(psql_value $target_db "$history_sql")"

new_id=$(psql_value $target_db "INSERT INTO steam_rec.user_games (user_steam_id, appid) VALUES (76561197960265729, 99999) RETURNING id")
max_before=$(psql_value $source_db "SELECT last_value FROM steam_rec.user_games_id_seq")
assert_true "the next identity value ($new_id) follows the dumped sequence ($max_before)" \
  "[ $new_id -gt $max_before ]"
