-- Objects planted in public (first on the search path) and in pg_temp do not
-- change what steam_rec's functions and trigger compute.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 20) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 40) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, (p * g) % 17 FROM generate_series(1, 40) AS p, generate_series(1, 20) AS g WHERE (p + g) % 3 = 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;
CREATE TEMP TABLE clean AS SELECT id, engagement_score, playtime_category FROM steam_rec.user_games;
CREATE TEMP TABLE clean_stats AS SELECT * FROM steam_rec.game_stats;
INSERT INTO steam_rec.game_tags (appid, tag_name) SELECT g, CASE WHEN g % 2 = 0 THEN 'Even' ELSE 'Odd' END
  FROM generate_series(1, 20) AS g;

-- The traps: an "=" on bigint and integer that means "<>", a sum() that
-- returns nothing useful, a now() in the past, decoy tables named like ours.
CREATE FUNCTION public.trap_ne8(bigint, bigint) RETURNS boolean LANGUAGE sql AS 'SELECT $1 <> $2';
CREATE OPERATOR public.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = public.trap_ne8);
CREATE FUNCTION public.trap_ne4(integer, integer) RETURNS boolean LANGUAGE sql AS 'SELECT $1 <> $2';
CREATE OPERATOR public.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.trap_ne4);
CREATE FUNCTION public.trap_sum(double precision, double precision) RETURNS double precision LANGUAGE sql AS 'SELECT -1e9::float8';
CREATE AGGREGATE public.sum(double precision) (SFUNC = public.trap_sum, STYPE = double precision);
CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE sql AS $$SELECT '1999-01-01'::timestamptz$$;
CREATE FUNCTION public.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE sql AS 'SELECT NULL::anyelement WHERE false';
CREATE TABLE public.user_games (user_steam_id bigint, appid integer, playtime_hours double precision);
CREATE TABLE public.game_stats (appid integer);
CREATE TABLE pg_temp.engagement_prior (log_median double precision);
CREATE TABLE public.models (id bigint, algorithm text, params jsonb, trained_at timestamptz, active boolean);
CREATE TABLE pg_temp.model_games (model_id bigint, appid integer);
SET search_path = public, steam_rec, pg_catalog;

-- Rescore everything with the traps in place; compare (with a clean search
-- path: the traps would fool this test's own joins) to the clean results.
UPDATE steam_rec.user_games SET engagement_score = 0.5;
SELECT steam_rec.refresh_engagement() AS rescored;
RESET search_path;
SELECT count(*) AS scores_differing
  FROM clean JOIN steam_rec.user_games AS ug USING (id)
 WHERE ug.engagement_score IS DISTINCT FROM clean.engagement_score
    OR ug.playtime_category IS DISTINCT FROM clean.playtime_category;
SELECT count(*) AS statistics_differing
  FROM (SELECT appid, owners, players, log_median, log_spread FROM clean_stats
        EXCEPT SELECT appid, owners, players, log_median, log_spread FROM steam_rec.game_stats) AS d;

-- The trigger scores a new row the same way the refresh would.
SET search_path = public, steam_rec, pg_catalog;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1, 19, 9);
RESET search_path;
CREATE TEMP TABLE by_trigger AS
SELECT engagement_score, playtime_category FROM steam_rec.user_games WHERE user_steam_id = 1 AND appid = 19;
SELECT steam_rec.refresh_engagement(1) > 0 AS other_rows_of_the_player_rescored;  -- their share changed
SELECT ug.engagement_score = t.engagement_score AND ug.playtime_category = t.playtime_category
       AS trigger_scored_it_like_the_refresh
  FROM steam_rec.user_games AS ug, by_trigger AS t WHERE ug.user_steam_id = 1 AND ug.appid = 19;
SET search_path = public, steam_rec, pg_catalog;

-- Training and serving with the traps in place give the same lists.
RESET search_path;
SELECT steam_rec.train('hybrid') > 0 AS trained;
CREATE TEMP TABLE clean_recommendations AS
SELECT p AS player, r.rank, r.appid, r.because_appids, r.reason
  FROM generate_series(1, 5) AS p, steam_rec.recommend(p, k => 5) AS r;
SET search_path = public, steam_rec, pg_catalog;
SELECT steam_rec.train('hybrid') > 0 AS trained_again;
CREATE TEMP TABLE trapped_recommendations AS
SELECT p AS player, r.rank, r.appid, r.because_appids, r.reason
  FROM generate_series(1, 5) AS p, steam_rec.recommend(p, k => 5) AS r;
RESET search_path;
SELECT count(*) AS recommendations, (SELECT count(*) FROM (SELECT * FROM clean_recommendations
        EXCEPT SELECT * FROM trapped_recommendations) AS d) AS differing
  FROM trapped_recommendations;
SET search_path = public, steam_rec, pg_catalog;

-- The migration tooling reads the real catalog and tables.
SELECT installed_version, warnings FROM steam_rec.migration_status();
SELECT count(*) AS history_rows FROM steam_rec.migration_history();
SELECT kind, object FROM steam_rec.migrate('-1', dry_run => true) WHERE kind IN ('step', 'dry run');

RESET search_path;
DROP TABLE public.user_games, public.game_stats, public.models;
DROP AGGREGATE public.sum(double precision);
DROP FUNCTION public.trap_sum(double precision, double precision), public.now(), public.unnest(anyarray);
DROP OPERATOR public.= (bigint, bigint);
DROP OPERATOR public.= (integer, integer);
DROP FUNCTION public.trap_ne8(bigint, bigint), public.trap_ne4(integer, integer);
DROP EXTENSION steam_rec;
