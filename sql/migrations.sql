-- Versioned scripts as migrations: each upgrade keeps every row and builds
-- exactly what a fresh install of its version builds; each downgrade stashes
-- what the older version has no place for, and the next upgrade restores it
-- unchanged.

-- The tables holding data in each version.
CREATE TEMP TABLE tables_of (version text, tables text[]);
INSERT INTO tables_of VALUES
    ('1.0', '{users,catalog_cache,user_games,recommendations}'),
    ('1.1', '{users,catalog_cache,user_games,recommendations,game_tags}'),
    ('1.2', '{users,catalog_cache,user_games,recommendations,game_tags,game_stats,engagement_prior}'),
    ('1.3', '{users,catalog_cache,user_games,recommendations,game_tags,game_stats,engagement_prior,'
            'models,model_games,model_tags}'),
    ('1.4', '{users,catalog_cache,user_games,recommendations,game_tags,game_stats,engagement_prior,'
            'models,model_games,model_tags}'),
    ('1.5', '{users,catalog_cache,user_games,recommendations,game_tags,game_stats,engagement_prior,'
            'models,model_games,model_tags}'),
    ('1.6', '{users,catalog_cache,user_games,recommendations,game_tags,game_stats,engagement_prior,'
            'models,model_games,model_tags}'),
    ('1.7', '{users,catalog_cache,user_games,recommendations,game_tags,game_stats,engagement_prior,'
            'models,model_games,model_tags,model_rerankers}');

-- 1. Fresh 1.1, 1.2, 1.3, 1.4, 1.5, 1.6 and 1.7 installs, remembered.
CREATE EXTENSION steam_rec VERSION '1.1';
CREATE TEMP TABLE fresh_1_1 AS SELECT regress.catalog_snapshot() AS fact;
DROP EXTENSION steam_rec;
CREATE EXTENSION steam_rec VERSION '1.2';
CREATE TEMP TABLE fresh_1_2 AS SELECT regress.catalog_snapshot() AS fact;
DROP EXTENSION steam_rec;
CREATE EXTENSION steam_rec VERSION '1.3';
CREATE TEMP TABLE fresh_1_3 AS SELECT regress.catalog_snapshot() AS fact;
DROP EXTENSION steam_rec;
CREATE EXTENSION steam_rec VERSION '1.4';
CREATE TEMP TABLE fresh_1_4 AS SELECT regress.catalog_snapshot() AS fact;
DROP EXTENSION steam_rec;
CREATE EXTENSION steam_rec VERSION '1.5';
CREATE TEMP TABLE fresh_1_5 AS SELECT regress.catalog_snapshot() AS fact;
DROP EXTENSION steam_rec;
CREATE EXTENSION steam_rec VERSION '1.6';
CREATE TEMP TABLE fresh_1_6 AS SELECT regress.catalog_snapshot() AS fact;
DROP EXTENSION steam_rec;
CREATE EXTENSION steam_rec VERSION '1.7';
CREATE TEMP TABLE fresh_1_7 AS SELECT regress.catalog_snapshot() AS fact;
DROP EXTENSION steam_rec;

-- 2. Install 1.0 and fill it.
CREATE EXTENSION steam_rec VERSION '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'steam_rec';
INSERT INTO steam_rec.users (steam_id, username, last_sync)
SELECT 76561197960265728 + n, 'player_' || n, '2026-01-01'::timestamptz + n * interval '1 hour'
  FROM generate_series(1, 50) AS n;
INSERT INTO steam_rec.catalog_cache (appid, name, release_date, price_cents, is_free)
SELECT appid, 'Game ' || appid, '2010-01-01'::date + appid, appid * 10, appid % 7 = 0
  FROM generate_series(1, 40) AS appid;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT 76561197960265728 + p, appid, (p * appid) % 13
  FROM generate_series(1, 50) AS p, generate_series(1, 40) AS appid
 WHERE (p + appid) % 3 = 0;
INSERT INTO steam_rec.recommendations (user_steam_id, appid, rank, score, algorithm)
SELECT 76561197960265728 + p, appid, appid, 1.0 / appid, 'popularity'
  FROM generate_series(1, 50) AS p, generate_series(1, 5) AS appid;
SELECT (SELECT count(*) FROM steam_rec.users) AS users,
       (SELECT count(*) FROM steam_rec.user_games) AS user_games,
       (SELECT count(*) FROM steam_rec.recommendations) AS recommendations;
CREATE TEMP TABLE rows_at_1_0 AS SELECT regress.rows_hash(tables) AS hash FROM tables_of WHERE version = '1.0';

-- 3. Upgrade: every row kept, and the same schema as a fresh 1.1.
ALTER EXTENSION steam_rec UPDATE TO '1.1';
SELECT extversion FROM pg_extension WHERE extname = 'steam_rec';
SELECT hash = regress.rows_hash(tables, '{country}') AS rows_kept FROM rows_at_1_0, tables_of WHERE version = '1.0';
(SELECT 'only after upgrade' AS side, fact FROM regress.catalog_snapshot() AS fact
 EXCEPT SELECT 'only after upgrade', fact FROM fresh_1_1)
UNION ALL
(SELECT 'only in fresh install', fact FROM fresh_1_1
 EXCEPT SELECT 'only in fresh install', fact FROM regress.catalog_snapshot() AS fact);

-- 4. Use 1.1: countries and tags.
UPDATE steam_rec.users SET country = (ARRAY['SE', 'DE', 'US'])[1 + steam_id % 3] WHERE steam_id % 2 = 0;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT appid, tag, position
  FROM generate_series(1, 40) AS appid,
       unnest(ARRAY['Indie', 'Action', 'RPG']) WITH ORDINALITY AS t(tag, position)
 WHERE (appid + position) % 2 = 0;
DELETE FROM steam_rec.game_tags WHERE id IN (SELECT max(id) FROM steam_rec.game_tags);
CREATE TEMP TABLE rows_at_1_1 AS SELECT regress.rows_hash(tables) AS hash FROM tables_of WHERE version = '1.1';
CREATE TEMP TABLE sequence_at_1_1 AS SELECT last_value, is_called FROM steam_rec.game_tags_id_seq;
SELECT count(*) AS tags, (SELECT count(country) FROM steam_rec.users) AS countries FROM steam_rec.game_tags;

-- 5. Downgrade: the 1.1 data goes to the stash, with a warning saying so
-- (extension scripts run with client_min_messages at WARNING at least).
ALTER EXTENSION steam_rec UPDATE TO '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'steam_rec';
SELECT to_regclass('steam_rec.game_tags') AS game_tags,
       (SELECT count(*) FROM pg_attribute WHERE attrelid = 'steam_rec.users'::regclass
           AND attname = 'country' AND NOT attisdropped) AS country_columns;
SELECT item, count(*) FROM steam_rec.migration_stash GROUP BY item ORDER BY item;
SELECT hash = regress.rows_hash(tables) AS rows_at_1_0_unchanged FROM rows_at_1_0, tables_of WHERE version = '1.0';

-- 6. Upgrade again: everything back, rows and sequence identical, stash empty.
ALTER EXTENSION steam_rec UPDATE TO '1.1';
SELECT hash = regress.rows_hash(tables) AS rows_restored FROM rows_at_1_1, tables_of WHERE version = '1.1';
SELECT s.last_value = q.last_value AND s.is_called = q.is_called AS sequence_restored
  FROM sequence_at_1_1 AS s, steam_rec.game_tags_id_seq AS q;
SELECT count(*) AS stash_rows FROM steam_rec.migration_stash;
(SELECT fact FROM regress.catalog_snapshot() AS fact EXCEPT SELECT fact FROM fresh_1_1)
UNION ALL
(SELECT fact FROM fresh_1_1 EXCEPT SELECT fact FROM regress.catalog_snapshot() AS fact);
-- The next tag gets a new id: no collision with the restored ones.
INSERT INTO steam_rec.game_tags (appid, tag_name) VALUES (1, 'Strategy')
RETURNING id > (SELECT max(id) FROM steam_rec.game_tags WHERE tag_name <> 'Strategy') AS new_id_is_fresh;
DELETE FROM steam_rec.game_tags WHERE tag_name = 'Strategy';

-- 7. A stash the scripts did not expect: the downgrade refuses, changes nothing.
INSERT INTO steam_rec.migration_stash (item, payload) VALUES ('users.country', '{"steam_id": 1, "country": "SE"}');
ALTER EXTENSION steam_rec UPDATE TO '1.0';
SELECT extversion, to_regclass('steam_rec.game_tags') IS NOT NULL AS game_tags_kept
  FROM pg_extension WHERE extname = 'steam_rec';
DELETE FROM steam_rec.migration_stash;

-- 8. Rows deleted while at 1.0 stay deleted: their tags and countries are not restored.
ALTER EXTENSION steam_rec UPDATE TO '1.0';
DELETE FROM steam_rec.catalog_cache WHERE appid <= 10;
DELETE FROM steam_rec.users WHERE steam_id % 4 = 0;
ALTER EXTENSION steam_rec UPDATE TO '1.1';
SELECT count(*) AS tags_of_deleted_games FROM steam_rec.game_tags WHERE appid <= 10;
SELECT count(*) AS tags_of_kept_games FROM steam_rec.game_tags;
SELECT count(country) AS countries FROM steam_rec.users;
SELECT count(*) AS stash_rows FROM steam_rec.migration_stash;

-- 9. Upgrade 1.1 -> 1.2: rows kept (the new columns take their defaults),
-- the same schema as a fresh 1.2, and existing rows can be scored (by the
-- library of the newest version, so at that version, and back).
CREATE TEMP TABLE rows_before_1_2 AS SELECT regress.rows_hash(tables) AS hash FROM tables_of WHERE version = '1.1';
ALTER EXTENSION steam_rec UPDATE TO '1.2';
SELECT hash = regress.rows_hash(tables, '{playtime_2weeks_hours,last_played}') AS rows_kept
  FROM rows_before_1_2, tables_of WHERE version = '1.1';
(SELECT fact FROM regress.catalog_snapshot() AS fact EXCEPT SELECT fact FROM fresh_1_2)
UNION ALL
(SELECT fact FROM fresh_1_2 EXCEPT SELECT fact FROM regress.catalog_snapshot() AS fact);
ALTER EXTENSION steam_rec UPDATE;
SELECT steam_rec.refresh_engagement() = (SELECT count(*) FROM steam_rec.user_games) AS every_row_scored;
ALTER EXTENSION steam_rec UPDATE TO '1.2';

-- 10. Recent play survives a downgrade to 1.1 and back.
UPDATE steam_rec.user_games SET playtime_2weeks_hours = 1.5, last_played = '2026-11-01 12:00+00'
 WHERE id % 7 = 0;
CREATE TEMP TABLE rows_at_1_2 AS SELECT regress.rows_hash(tables) AS hash FROM tables_of WHERE version = '1.2';
ALTER EXTENSION steam_rec UPDATE TO '1.1';
SELECT item, count(*) FROM steam_rec.migration_stash GROUP BY item ORDER BY item;
SELECT to_regclass('steam_rec.game_stats') AS game_stats,
       to_regprocedure('steam_rec.refresh_engagement(bigint)') AS refresh_engagement;
ALTER EXTENSION steam_rec UPDATE TO '1.2';
SELECT hash = regress.rows_hash(tables) AS rows_restored FROM rows_at_1_2, tables_of WHERE version = '1.2';
SELECT count(*) AS stash_rows FROM steam_rec.migration_stash;
(SELECT fact FROM regress.catalog_snapshot() AS fact EXCEPT SELECT fact FROM fresh_1_2)
UNION ALL
(SELECT fact FROM fresh_1_2 EXCEPT SELECT fact FROM regress.catalog_snapshot() AS fact);

-- 11. All the way down to 1.0 and straight back up to the newest in one command.
ALTER EXTENSION steam_rec UPDATE TO '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'steam_rec';
ALTER EXTENSION steam_rec UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'steam_rec';
SELECT hash = regress.rows_hash(tables) AS rows_restored FROM rows_at_1_2, tables_of WHERE version = '1.2';
SELECT count(*) AS stash_rows FROM steam_rec.migration_stash;
(SELECT fact FROM regress.catalog_snapshot() AS fact EXCEPT SELECT fact FROM fresh_1_7)
UNION ALL
(SELECT fact FROM fresh_1_7 EXCEPT SELECT fact FROM regress.catalog_snapshot() AS fact);

-- 12. Trained models survive a downgrade to 1.2 and back up to the newest:
-- the same rows, the same active model, the same recommendations, and new ids
-- continue after them.
SELECT steam_rec.train('itemknn') AS first_model \gset
SELECT steam_rec.train('popularity') AS second_model \gset
SELECT steam_rec.activate_model(:first_model);
CREATE TEMP TABLE recommended_at_1_3 AS
SELECT appid, rank, because_appids FROM steam_rec.recommend(76561197960265729, k => 5);
CREATE TEMP TABLE rows_at_1_3 AS SELECT regress.rows_hash(tables) AS hash FROM tables_of WHERE version = '1.3';
ALTER EXTENSION steam_rec UPDATE TO '1.2';
SELECT item, count(*) > 0 AS stashed FROM steam_rec.migration_stash GROUP BY item ORDER BY item;
SELECT to_regclass('steam_rec.models') AS models, to_regprocedure('steam_rec.train(text,jsonb)') AS train;
ALTER EXTENSION steam_rec UPDATE;
SELECT hash = regress.rows_hash(tables) AS rows_restored FROM rows_at_1_3, tables_of WHERE version = '1.3';
SELECT count(*) AS stash_rows FROM steam_rec.migration_stash;
SELECT id = :first_model AS first_model_active FROM steam_rec.models WHERE active;
(SELECT appid, rank, because_appids FROM steam_rec.recommend(76561197960265729, k => 5)
 EXCEPT SELECT * FROM recommended_at_1_3)
UNION ALL
(SELECT * FROM recommended_at_1_3
 EXCEPT SELECT appid, rank, because_appids FROM steam_rec.recommend(76561197960265729, k => 5));
SELECT steam_rec.train('popularity') > :second_model AS ids_continue;
(SELECT fact FROM regress.catalog_snapshot() AS fact EXCEPT SELECT fact FROM fresh_1_7)
UNION ALL
(SELECT fact FROM fresh_1_7 EXCEPT SELECT fact FROM regress.catalog_snapshot() AS fact);

-- 12b. The newest versions and back: 1.7 -> 1.6 -> 1.5 -> 1.6 -> 1.7 keeps
-- every row, a re-ranked model's included, and the schema of a fresh install
-- at each step.  Players with four tastes first: on the 50 above, whose
-- libraries follow no taste, training keeps no re-ranker (it loses to the
-- base order on the players it was not fitted on).
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 240) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, 1 + (p % 4) * 10 + g, 1 + (p * g) % 17
  FROM generate_series(1, 240) AS p, generate_series(0, 9) AS g
 WHERE (p * 7 + g * 3) % 5 <> 0;
SELECT steam_rec.train('hybrid', '{"rerank_candidates": 20}') AS reranked \gset
SELECT count(*) AS rerankers_stored FROM steam_rec.model_rerankers;
CREATE TEMP TABLE rows_at_1_7 AS SELECT regress.rows_hash(tables) AS hash FROM tables_of WHERE version = '1.7';
CREATE TEMP TABLE rows_at_1_6 AS SELECT regress.rows_hash(tables) AS hash FROM tables_of WHERE version = '1.6';
ALTER EXTENSION steam_rec UPDATE TO '1.6';
SELECT hash = regress.rows_hash(tables) AS rows_kept FROM rows_at_1_6, tables_of WHERE version = '1.6';
(SELECT fact FROM regress.catalog_snapshot() AS fact EXCEPT SELECT fact FROM fresh_1_6)
UNION ALL
(SELECT fact FROM fresh_1_6 EXCEPT SELECT fact FROM regress.catalog_snapshot() AS fact);
ALTER EXTENSION steam_rec UPDATE TO '1.5';
SELECT hash = regress.rows_hash(tables) AS rows_kept FROM rows_at_1_6, tables_of WHERE version = '1.5';
(SELECT fact FROM regress.catalog_snapshot() AS fact EXCEPT SELECT fact FROM fresh_1_5)
UNION ALL
(SELECT fact FROM fresh_1_5 EXCEPT SELECT fact FROM regress.catalog_snapshot() AS fact);
ALTER EXTENSION steam_rec UPDATE TO '1.6';
SELECT hash = regress.rows_hash(tables) AS rows_restored FROM rows_at_1_6, tables_of WHERE version = '1.6';
(SELECT fact FROM regress.catalog_snapshot() AS fact EXCEPT SELECT fact FROM fresh_1_6)
UNION ALL
(SELECT fact FROM fresh_1_6 EXCEPT SELECT fact FROM regress.catalog_snapshot() AS fact);
ALTER EXTENSION steam_rec UPDATE TO '1.7';
SELECT hash = regress.rows_hash(tables) AS rows_restored FROM rows_at_1_7, tables_of WHERE version = '1.7';
(SELECT fact FROM regress.catalog_snapshot() AS fact EXCEPT SELECT fact FROM fresh_1_7)
UNION ALL
(SELECT fact FROM fresh_1_7 EXCEPT SELECT fact FROM regress.catalog_snapshot() AS fact);

DROP EXTENSION steam_rec;

-- 13. A database installed at 1.4 by an earlier release, whose base script
-- had no triggers keeping privileges, updates to the same 1.5 as a fresh install.
CREATE EXTENSION steam_rec VERSION '1.4';
ALTER EXTENSION steam_rec DROP EVENT TRIGGER steam_rec_keep_privileges_stash;
ALTER EXTENSION steam_rec DROP EVENT TRIGGER steam_rec_keep_privileges_restore;
ALTER EXTENSION steam_rec DROP FUNCTION steam_rec._keep_privileges();
DROP EVENT TRIGGER steam_rec_keep_privileges_stash;
DROP EVENT TRIGGER steam_rec_keep_privileges_restore;
DROP FUNCTION steam_rec._keep_privileges();
ALTER EXTENSION steam_rec UPDATE TO '1.5';
(SELECT fact FROM regress.catalog_snapshot() AS fact EXCEPT SELECT fact FROM fresh_1_5)
UNION ALL
(SELECT fact FROM fresh_1_5 EXCEPT SELECT fact FROM regress.catalog_snapshot() AS fact);
DROP EXTENSION steam_rec;
