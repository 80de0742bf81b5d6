-- A downgraded database keeps serving: the library serves every older SQL
-- version it ships scripts for.  After each step down from the newest
-- version, the functions that version declares work, and recommend(),
-- recommend_for_games() and similar_games() return the same lists as before.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 20) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name) SELECT g, 'Tag ' || g % 4 FROM generate_series(1, 20) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 30) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 37 FROM generate_series(1, 30) AS p, generate_series(1, 20) AS g
 WHERE (p <= 15) = (g <= 10) AND (p + g) % 3 <> 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;
SELECT steam_rec.train('itemknn') AS model \gset
SELECT steam_rec.refresh_recommendations(k => 3) AS stored;

-- What is served at the newest version.
CREATE TEMP TABLE served (call text, list text);
CREATE FUNCTION pg_temp.serve() RETURNS TABLE (call text, list text) LANGUAGE sql AS $$
    SELECT 'recommend', string_agg(appid || ':' || coalesce(array_to_string(because_appids, '+'), ''), ',' ORDER BY rank)
      FROM steam_rec.recommend(1, k => 5)
    UNION ALL
    SELECT 'recommend_for_games', string_agg(appid::text, ',' ORDER BY rank)
      FROM steam_rec.recommend_for_games('{1,2}', k => 5, diversity => 0.3)
    UNION ALL
    SELECT 'similar_games', string_agg(appid::text, ',' ORDER BY rank) FROM steam_rec.similar_games(1, k => 5)
$$;
INSERT INTO served SELECT * FROM pg_temp.serve();
SELECT count(*) AS lists, bool_and(list <> '') AS none_empty FROM served;

-- 1.7 -> 1.6: everything serves.
SELECT kind, object, detail FROM steam_rec.migrate('-1') WHERE kind = 'version';
SELECT NOT EXISTS (SELECT * FROM pg_temp.serve() EXCEPT SELECT * FROM served)
       AND NOT EXISTS (SELECT * FROM served EXCEPT SELECT * FROM pg_temp.serve()) AS same_lists;

-- 1.6 -> 1.5: everything serves.
SELECT kind, object, detail FROM steam_rec.migrate('-1') WHERE kind = 'version';
SELECT NOT EXISTS (SELECT * FROM pg_temp.serve() EXCEPT SELECT * FROM served)
       AND NOT EXISTS (SELECT * FROM served EXCEPT SELECT * FROM pg_temp.serve()) AS same_lists;

-- 1.5 -> 1.4: everything serves, evaluate() included.
SELECT kind, object, detail FROM steam_rec.migrate('-1') WHERE kind = 'version';
SELECT NOT EXISTS (SELECT * FROM pg_temp.serve() EXCEPT SELECT * FROM served)
       AND NOT EXISTS (SELECT * FROM served EXCEPT SELECT * FROM pg_temp.serve()) AS same_lists;
SELECT algorithm, players > 0 AS measured FROM steam_rec.evaluate('{popularity}', k => 3, min_games => 2);

-- 1.4 -> 1.3: serving, training, activating and refreshing work.
SELECT kind, object, detail FROM steam_rec.migrate('-1') WHERE kind = 'version';
SELECT NOT EXISTS (SELECT * FROM pg_temp.serve() EXCEPT SELECT * FROM served)
       AND NOT EXISTS (SELECT * FROM served EXCEPT SELECT * FROM pg_temp.serve()) AS same_lists;
SELECT steam_rec.train('popularity') > :model AS trained;
SELECT steam_rec.activate_model(:model);
SELECT NOT EXISTS (SELECT * FROM pg_temp.serve() EXCEPT SELECT * FROM served) AS same_lists_after_training;
SELECT steam_rec.refresh_recommendations(1, k => 3) AS stored_for_one;
SELECT steam_rec.model_cache_bytes() > 0 AS model_cached;

-- 1.3 -> 1.2: the engagement functions and the scoring trigger work.
SELECT kind, object, detail FROM steam_rec.migrate('-1') WHERE kind = 'version';
SELECT steam_rec.refresh_engagement() >= 0 AS refreshed, steam_rec.refresh_engagement(1) >= 0 AS refreshed_one;
SELECT playtime_category FROM steam_rec.score_engagement(5);
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1, 20, 3)
RETURNING playtime_category IS NOT NULL AS scored_by_trigger;

-- 1.2 -> 1.1: what 1.1 declares works.
SELECT kind, object, detail FROM steam_rec.migrate('-1') WHERE kind = 'version';
SELECT steam_rec.version() IS NOT NULL AS has_version, installed_version, warnings
  FROM steam_rec.migration_status();

-- Back to the newest: the same lists again.
SELECT kind, object, detail FROM steam_rec.migrate() WHERE kind = 'version';
DELETE FROM steam_rec.user_games WHERE user_steam_id = 1 AND appid = 20;
SELECT NOT EXISTS (SELECT * FROM pg_temp.serve() EXCEPT SELECT * FROM served)
       AND NOT EXISTS (SELECT * FROM served EXCEPT SELECT * FROM pg_temp.serve()) AS same_lists;

DROP EXTENSION steam_rec;
