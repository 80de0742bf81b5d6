-- model_cache_key_survives_reinstall: within one transaction, dropping and
-- re-creating the extension starts model ids over and now() stays the same,
-- so a new model can have the id and trained_at of the one this backend has
-- cached.  The cache must notice that it is another model.
BEGIN;
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 10) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 10) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 FROM generate_series(1, 10) AS p, generate_series(1, 10) AS g WHERE g <= p;
SELECT steam_rec.train('popularity') AS first_model;
SELECT string_agg(appid::text, ',' ORDER BY rank) AS popular FROM steam_rec.recommend_for_games('{}', k => 3);
SET LOCAL steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
CREATE EXTENSION steam_rec;
-- The same games, now owned the other way round: game 10 is the most owned.
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 10) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 10) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 FROM generate_series(1, 10) AS p, generate_series(1, 10) AS g WHERE g >= p;
SELECT steam_rec.train('popularity') AS second_model;
SELECT string_agg(appid::text, ',' ORDER BY rank) AS popular_now FROM steam_rec.recommend_for_games('{}', k => 3);
ROLLBACK;
