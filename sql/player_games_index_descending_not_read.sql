-- player_games_index_descending_not_read: recommend() sums each owned game's
-- weights in the order it reads the games, appid order, as
-- refresh_recommendations() does; in another order the float sums, and so
-- scores and ties, come out otherwise.  An index made by hand under the name
-- of the covering index that orders appid descending, or by an operator
-- family other than the integers' default one, is not read: the read goes to
-- the unique key, and the lists stay as they were.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 40) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 80) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 37 FROM generate_series(1, 80) AS p, generate_series(1, 40) AS g
 WHERE (p + g * g) % 3 = 0 OR (p * g) % 7 = 1;
SELECT steam_rec.refresh_engagement() > 0 AS scored;
SELECT steam_rec.train('itemknn') > 0 AS trained;

-- Every player's list, scores printed exactly, through the index the 1.6
-- script made.
CREATE FUNCTION pg_temp.lists() RETURNS TABLE (player bigint, list text) LANGUAGE sql AS $$
    SELECT u.steam_id, (SELECT string_agg(r.appid || ':' || r.score::text || ':' || r.because_appids::text, ' '
                                          ORDER BY r.rank)
                          FROM steam_rec.recommend(u.steam_id, k => 10) AS r)
      FROM steam_rec.users AS u
$$;
VACUUM steam_rec.user_games;
CREATE TEMP TABLE ascending_lists AS SELECT * FROM pg_temp.lists();

-- The same name, appid descending.
DROP INDEX steam_rec.user_games_player_games;
CREATE INDEX user_games_player_games ON steam_rec.user_games (user_steam_id, appid DESC) INCLUDE (engagement_score);
VACUUM steam_rec.user_games;
SELECT count(*) AS players, count(*) FILTER (WHERE a.list IS DISTINCT FROM d.list) AS other_lists
  FROM ascending_lists AS a JOIN pg_temp.lists() AS d USING (player);
SELECT idx_scan = 0 AS not_read
  FROM pg_stat_get_xact_numscans('steam_rec.user_games_player_games'::regclass) AS idx_scan;

-- Ascending by the index's operator class, which orders the integers in
-- reverse: an operator family of its own.
CREATE FUNCTION public.reversed_int4_cmp(int4, int4) RETURNS int4 LANGUAGE sql IMMUTABLE STRICT
    AS 'SELECT pg_catalog.btint4cmp($2, $1)';
CREATE OPERATOR CLASS public.reversed_int4_ops FOR TYPE int4 USING btree AS
    OPERATOR 1 pg_catalog.>, OPERATOR 2 pg_catalog.>=, OPERATOR 3 pg_catalog.=, OPERATOR 4 pg_catalog.<=,
    OPERATOR 5 pg_catalog.<, FUNCTION 1 public.reversed_int4_cmp(int4, int4);
DROP INDEX steam_rec.user_games_player_games;
CREATE INDEX user_games_player_games ON steam_rec.user_games (user_steam_id, appid public.reversed_int4_ops)
    INCLUDE (engagement_score);
VACUUM steam_rec.user_games;
SELECT count(*) AS players, count(*) FILTER (WHERE a.list IS DISTINCT FROM o.list) AS other_lists
  FROM ascending_lists AS a JOIN pg_temp.lists() AS o USING (player);
SELECT idx_scan = 0 AS not_read
  FROM pg_stat_get_xact_numscans('steam_rec.user_games_player_games'::regclass) AS idx_scan;

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
DROP OPERATOR FAMILY public.reversed_int4_ops USING btree;
DROP FUNCTION public.reversed_int4_cmp(int4, int4);
