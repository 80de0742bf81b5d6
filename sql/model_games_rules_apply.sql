-- A rule on steam_rec.model_games applies to train()'s rows as it does to an
-- INSERT: DO ALSO runs its action for every row, DO INSTEAD NOTHING keeps
-- the rows out.  The direct write skips the rewriter, so a table with a rule
-- is written through SQL.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 60) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 50) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 41 FROM generate_series(1, 50) AS p, generate_series(1, 60) AS g
 WHERE (p + g) % 4 = 0 OR (p * 7 + g * 13) % 11 = 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;

-- DO ALSO: every stored row is logged, on the serial and the staged store.
CREATE TABLE regress.rows_logged (model_id bigint, appid int);
CREATE RULE log_rows AS ON INSERT TO steam_rec.model_games
    DO ALSO INSERT INTO regress.rows_logged VALUES (NEW.model_id, NEW.appid);
SET steam_rec.max_threads = 1;
SET client_min_messages = debug1;
SELECT steam_rec.train('popularity') > 0 AS trained;
RESET client_min_messages;
SET steam_rec.max_threads = 2;
SELECT steam_rec.train('itemknn') > 0 AS trained;
RESET steam_rec.max_threads;
SELECT m.algorithm, count(g.appid) AS rows, count(l.appid) AS logged
  FROM steam_rec.models AS m
  JOIN steam_rec.model_games AS g ON g.model_id = m.id
  LEFT JOIN regress.rows_logged AS l ON l.model_id = g.model_id AND l.appid = g.appid
 GROUP BY m.algorithm ORDER BY m.algorithm;
DROP RULE log_rows ON steam_rec.model_games;

-- DO INSTEAD NOTHING: the training stores no game row, as an INSERT would.
CREATE TABLE regress.before AS SELECT coalesce(max(id), 0) AS id FROM steam_rec.models;
CREATE RULE no_rows AS ON INSERT TO steam_rec.model_games DO INSTEAD NOTHING;
SET steam_rec.max_threads = 2;
SELECT steam_rec.train('itemknn') > 0 AS trained;
RESET steam_rec.max_threads;
SELECT steam_rec.train('popularity') > 0 AS trained;
SELECT count(*) AS rows_stored FROM steam_rec.model_games WHERE model_id > (SELECT id FROM regress.before);
DROP RULE no_rows ON steam_rec.model_games;

DROP TABLE regress.rows_logged, regress.before;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
