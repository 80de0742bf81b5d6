-- recommend_sql_path_games_in_appid_order: recommend() sums each owned
-- game's weights in the order it reads the player's games, and that order
-- is appid's on every path: the direct read walks the covering index, and
-- refresh_recommendations() orders by appid.  Through SQL (row-level
-- security, column privileges only, Citus) the games came in whatever order
-- the plan gave (here a scan in heap order, rows having arrived by appid
-- descending): the float sums, and so scores and ties, differed from the
-- lists the same player gets without the policy.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 40) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 80) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 37 FROM generate_series(1, 80) AS p, generate_series(1, 40) AS g
 WHERE (p + g * g) % 3 = 0 OR (p * g) % 7 = 1
 ORDER BY p, g DESC;
SELECT steam_rec.refresh_engagement() > 0 AS scored;
SELECT steam_rec.train('itemknn') > 0 AS trained;

-- Every player's list, scores printed exactly, read directly (no policy).
CREATE TEMP TABLE direct_lists AS
SELECT u.steam_id AS player,
       (SELECT string_agg(r.appid || ':' || r.score::text || ':' || r.because_appids::text, ' ' ORDER BY r.rank)
          FROM steam_rec.recommend(u.steam_id, k => 10) AS r) AS list
  FROM steam_rec.users AS u;

-- A role under a policy that hides nothing: its reads go through SQL.
CREATE ROLE regress_games_order_reader NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec TO regress_games_order_reader;
GRANT SELECT ON steam_rec.users, steam_rec.user_games, steam_rec.catalog_cache, steam_rec.game_tags,
                steam_rec.game_stats, steam_rec.engagement_prior, steam_rec.models, steam_rec.model_games,
                steam_rec.model_tags TO regress_games_order_reader;
ALTER TABLE steam_rec.user_games ENABLE ROW LEVEL SECURITY;
CREATE POLICY every_row ON steam_rec.user_games TO regress_games_order_reader USING (true);
-- A plan that reads the heap, as a bitmap or sequential scan does on tables
-- whose statistics favour them.
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET ROLE regress_games_order_reader;
CREATE TEMP TABLE policy_lists AS
SELECT u.steam_id AS player,
       (SELECT string_agg(r.appid || ':' || r.score::text || ':' || r.because_appids::text, ' ' ORDER BY r.rank)
          FROM steam_rec.recommend(u.steam_id, k => 10) AS r) AS list
  FROM steam_rec.users AS u;
RESET ROLE;
RESET enable_indexscan;
RESET enable_indexonlyscan;

SELECT count(*) AS players, count(*) FILTER (WHERE d.list IS DISTINCT FROM p.list) AS other_lists
  FROM direct_lists AS d JOIN policy_lists AS p USING (player);

DROP POLICY every_row ON steam_rec.user_games;
ALTER TABLE steam_rec.user_games DISABLE ROW LEVEL SECURITY;
DROP OWNED BY regress_games_order_reader;
DROP ROLE regress_games_order_reader;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
