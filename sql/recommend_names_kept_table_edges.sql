-- The names recommend() keeps per backend sit in an open-addressing table
-- keyed by appid.  Every name it returns must be the catalog's, whatever
-- the appids (1 and the largest integer, multiples of 2^20 that share
-- their low hash bits), the names ('' and names with no catalog row), as
-- the table grows past its first 4,096 slots, and when a second call runs
-- inside a trigger or a filter while the first call's rows are in use.
CREATE EXTENSION steam_rec;
SET max_parallel_workers_per_gather = 0;
-- 2,000 small appids and 2,047 multiples of 2^20 up to the largest integer.
CREATE TEMP TABLE games AS
SELECT g AS appid FROM generate_series(1, 2000) AS g
UNION ALL SELECT g * 1048576 FROM generate_series(1, 2047) AS g
UNION ALL SELECT 2147483647;
INSERT INTO steam_rec.catalog_cache (appid, name)
SELECT appid, CASE WHEN appid = 2 THEN '' ELSE 'Game ' || appid END FROM games;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 1500) AS p;
ALTER TABLE steam_rec.user_games DISABLE TRIGGER user_games_engagement;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g.appid, 1 + (p * i) % 40
  FROM generate_series(1, 1500) AS p, generate_series(1, 12) AS i,
       LATERAL (SELECT appid FROM games ORDER BY appid OFFSET (p * 7 + i * i * 131) % 4048 LIMIT 1) AS g
ON CONFLICT DO NOTHING;
ALTER TABLE steam_rec.user_games ENABLE TRIGGER user_games_engagement;
SELECT steam_rec.refresh_engagement() >= 0 AS refreshed;
SELECT steam_rec.train('itemknn') IS NOT NULL AS trained;
-- Games of the model with no catalog row: their names are NULL.
DELETE FROM steam_rec.catalog_cache WHERE appid IN (3, 5 * 1048576);

-- Rows of a ranking whose name or reason is not the catalog's: the reason
-- ends with the names of because_appids ("game N" for one without a row).
CREATE FUNCTION pg_temp.wrong_names(owned integer[]) RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM steam_rec.recommend_for_games(owned, k => 1000) AS r
         LEFT JOIN steam_rec.catalog_cache AS c USING (appid)
   WHERE r.name IS DISTINCT FROM c.name
      OR r.reason NOT LIKE '%' || (
           SELECT CASE count(*) WHEN 1 THEN min(n) FILTER (WHERE o = 1)
                    WHEN 2 THEN min(n) FILTER (WHERE o = 1) || ' and ' || min(n) FILTER (WHERE o = 2)
                    ELSE min(n) FILTER (WHERE o = 1) || ', ' || min(n) FILTER (WHERE o = 2) || ' and '
                         || min(n) FILTER (WHERE o = 3) END
             FROM unnest(r.because_appids) WITH ORDINALITY AS b(appid, o)
                  LEFT JOIN LATERAL (SELECT coalesce((SELECT name FROM steam_rec.catalog_cache AS cc
                                                       WHERE cc.appid = b.appid), 'game ' || b.appid) AS n) AS x ON true)
$$;

-- Owned sets that together name every game: the kept table grows from
-- 4,096 slots to 16,384 within one session, and stays right.
SELECT s AS call, pg_temp.wrong_names(array_agg(appid)) AS wrong
  FROM (SELECT appid, row_number() OVER (ORDER BY appid) AS n FROM games) AS g,
       generate_series(0, 7) AS s
 WHERE g.n % 8 = s
 GROUP BY s ORDER BY s;
-- Read again from the kept table, the same.
SELECT pg_temp.wrong_names(array_agg(appid)) AS wrong_kept FROM games WHERE appid % 3 = 0;
SELECT count(*) AS named, count(*) FILTER (WHERE name = '') AS empty, count(*) FILTER (WHERE name IS NULL) AS no_row
  FROM steam_rec.recommend_for_games(ARRAY[1, 2147483647, 4 * 1048576], k => 1000)
 WHERE appid IN (2, 3, 5 * 1048576, 2147483647, 1) OR name IS NULL OR name = '';

-- A second ranking inside a filter, per row of the first.
SELECT count(*) AS outer_rows,
       count(*) FILTER (WHERE pg_temp.wrong_names(ARRAY[r.appid, 2147483647]) > 0) AS wrong_inner
  FROM steam_rec.recommend_for_games(ARRAY[1, 2, 3, 1048576], k => 40) AS r
 WHERE r.name IS NOT DISTINCT FROM (SELECT name FROM steam_rec.catalog_cache AS c WHERE c.appid = r.appid);
-- And inside a trigger fired by rows a ranking produces.
CREATE TEMP TABLE seen (appid integer, name text, inner_wrong bigint);
CREATE FUNCTION pg_temp.rank_in_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.inner_wrong := pg_temp.wrong_names(ARRAY[NEW.appid, 7 * 1048576]);
  RETURN NEW;
END $$;
CREATE TRIGGER rank_in_trigger BEFORE INSERT ON seen FOR EACH ROW EXECUTE FUNCTION pg_temp.rank_in_trigger();
INSERT INTO seen (appid, name)
SELECT appid, name FROM steam_rec.recommend_for_games(ARRAY[10, 20, 30, 9 * 1048576], k => 30);
SELECT count(*) AS rows, count(*) FILTER (WHERE s.name IS DISTINCT FROM c.name) AS wrong_outer,
       sum(inner_wrong) AS wrong_inner
  FROM seen AS s LEFT JOIN steam_rec.catalog_cache AS c USING (appid);
-- (Nothing is kept while names come from the shared names file.)
SELECT coalesce(sum(total_bytes), 0) < 2 * 1024 * 1024 AS kept_names_small
  FROM pg_backend_memory_contexts WHERE name = 'steam_rec catalog names';
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec CASCADE;
