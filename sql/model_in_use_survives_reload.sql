-- model_in_use_survives_reload: a call keeps the model it started with alive
-- while code it runs (a trigger, a row-level security policy) activates and
-- serves another model in the same backend, which replaces the cached one.
-- Before, the call went on with a freed model and the backend crashed.
CREATE EXTENSION steam_rec;
-- 1,100 players, so refresh_recommendations writes several batches and ranks
-- players after its first INSERT has fired the trigger.
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 40) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 1100) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 37 FROM generate_series(1, 1100) AS p, generate_series(1, 40) AS g
 WHERE (p + g * g) % 7 = 0;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT g, CASE WHEN g % 2 = 0 THEN 'Strategy' ELSE 'Action' END, 1 FROM generate_series(1, 40) AS g;
SELECT steam_rec.train('popularity') AS popularity_model \gset
SELECT steam_rec.train('itemknn') AS itemknn_model \gset
SET client_min_messages = warning;  -- no progress notices

-- The lists itemknn writes when nothing interferes.
SELECT steam_rec.refresh_recommendations(k => 5) AS rows_written;
CREATE TEMP TABLE undisturbed AS SELECT user_steam_id, appid, rank, score, algorithm FROM steam_rec.recommendations;

-- 1. A statement trigger on the lists activates the other model and serves from it.
CREATE TABLE public.served_meanwhile (games bigint);
CREATE FUNCTION public.activate_and_serve_in_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM steam_rec.activate_model((SELECT id FROM steam_rec.models WHERE algorithm = 'popularity'));
  INSERT INTO public.served_meanwhile SELECT count(*) FROM steam_rec.recommend_for_games('{10}');
  RETURN NULL;
END $$;
CREATE TRIGGER activate_and_serve AFTER INSERT ON steam_rec.recommendations
  FOR EACH STATEMENT EXECUTE FUNCTION public.activate_and_serve_in_trigger();
SELECT steam_rec.activate_model(:itemknn_model);
SELECT count(*) AS served_before FROM steam_rec.recommend_for_games('{10}');  -- itemknn is cached
SELECT steam_rec.refresh_recommendations(k => 5) AS rows_written;
SELECT count(*) AS trigger_runs, min(games) AS games_served_each_time FROM public.served_meanwhile;
-- Every list is itemknn's, exactly as without the trigger.
SELECT count(*) AS lists_differing
  FROM (SELECT * FROM undisturbed EXCEPT SELECT user_steam_id, appid, rank, score, algorithm
                                           FROM steam_rec.recommendations) AS missing;
SELECT (SELECT count(*) FROM steam_rec.recommendations) = (SELECT count(*) FROM undisturbed) AS same_row_count;
SELECT algorithm AS active_now FROM steam_rec.models WHERE active;
DROP TRIGGER activate_and_serve ON steam_rec.recommendations;

-- 2. A row-level security policy on users, evaluated inside recommend() (it
-- checks that a player who owns nothing exists), does the same.
INSERT INTO steam_rec.users (steam_id, username) VALUES (5000, 'newcomer');
SELECT steam_rec.activate_model(:itemknn_model);
SELECT string_agg(appid::text, ',' ORDER BY rank) AS expected FROM steam_rec.recommend(5000, k => 5) \gset
CREATE ROLE model_reload_reader;
GRANT USAGE ON SCHEMA steam_rec TO model_reload_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA steam_rec TO model_reload_reader;
CREATE FUNCTION public.activate_and_serve_in_policy() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  PERFORM steam_rec.activate_model((SELECT id FROM steam_rec.models WHERE algorithm = 'popularity'));
  INSERT INTO public.served_meanwhile SELECT count(*) FROM steam_rec.recommend_for_games('{10}');
  RETURN true;
END $$;
ALTER TABLE steam_rec.users ENABLE ROW LEVEL SECURITY;
CREATE POLICY activate_and_serve ON steam_rec.users FOR SELECT USING (public.activate_and_serve_in_policy());
TRUNCATE public.served_meanwhile;
SET ROLE model_reload_reader;
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'expected' AS served_by_the_model_it_started_with
  FROM steam_rec.recommend(5000, k => 5);
RESET ROLE;
SELECT count(*) > 0 AS policy_ran FROM public.served_meanwhile;
SELECT algorithm AS active_now FROM steam_rec.models WHERE active;
-- similar_games() and the next calls serve the newly active model.
SELECT count(*) AS similar FROM steam_rec.similar_games(10, k => 3);

DROP POLICY activate_and_serve ON steam_rec.users;
ALTER TABLE steam_rec.users DISABLE ROW LEVEL SECURITY;
DROP FUNCTION public.activate_and_serve_in_policy();
DROP FUNCTION public.activate_and_serve_in_trigger();
DROP TABLE public.served_meanwhile;
REVOKE ALL ON ALL TABLES IN SCHEMA steam_rec FROM model_reload_reader;
REVOKE USAGE ON SCHEMA steam_rec FROM model_reload_reader;
DROP ROLE model_reload_reader;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
