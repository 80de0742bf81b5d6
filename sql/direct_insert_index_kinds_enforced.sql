-- The direct writers insert every index's entries through the executor's
-- index routine, so what an INSERT enforces holds there too: an exclusion
-- constraint, a unique index on an expression, an index whose function
-- raises.  Each failure is the INSERT's error and leaves no row.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 60) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 50) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 41 FROM generate_series(1, 50) AS p, generate_series(1, 60) AS g
 WHERE (p + g) % 4 = 0 OR (p * 7 + g * 13) % 11 = 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;
SELECT steam_rec.train('itemknn') > 0 AS trained;
CREATE TABLE regress.last_model AS SELECT max(id) AS id FROM steam_rec.models;

-- An exclusion constraint: one first place per game.
ALTER TABLE steam_rec.recommendations ADD CONSTRAINT regress_one_first EXCLUDE USING btree (appid WITH =)
    WHERE (rank = 1);
SET client_min_messages = debug1;
SELECT code, message FROM regress.refusal($$SELECT steam_rec.refresh_recommendations(k => 2)$$);
RESET client_min_messages;
ALTER TABLE steam_rec.recommendations DROP CONSTRAINT regress_one_first;
-- (Popularity ties between games are the training's to fail on.)
TRUNCATE steam_rec.model_games;
ALTER TABLE steam_rec.model_games ADD CONSTRAINT regress_one_popularity EXCLUDE USING btree (popularity WITH =)
    WHERE (model_id > 0 AND appid > 0);
SELECT code, message FROM regress.refusal($$SELECT steam_rec.train('popularity')$$);
ALTER TABLE steam_rec.model_games DROP CONSTRAINT regress_one_popularity;

-- A unique index on an expression: one row per rank.
CREATE UNIQUE INDEX regress_one_per_rank ON steam_rec.recommendations ((rank * 1));
SELECT code, message FROM regress.refusal($$SELECT steam_rec.refresh_recommendations(k => 2)$$);
DROP INDEX steam_rec.regress_one_per_rank;

-- An index whose function raises for one game.
CREATE FUNCTION regress.refuse_game_7(appid integer) RETURNS integer IMMUTABLE LANGUAGE plpgsql AS $$
BEGIN
    IF appid = 7 THEN
        RAISE EXCEPTION 'regress: game 7 refused';
    END IF;
    RETURN appid;
END
$$;
CREATE INDEX regress_refuses ON steam_rec.model_games (regress.refuse_game_7(appid));
SET steam_rec.max_threads = 2;
SELECT code, message FROM regress.refusal($$SELECT steam_rec.train('itemknn')$$);
RESET steam_rec.max_threads;
DROP INDEX steam_rec.regress_refuses;

SELECT (SELECT count(*) FROM steam_rec.models WHERE id > l.id) AS models_left,
       (SELECT count(*) FROM steam_rec.model_games) AS model_rows_left,
       (SELECT count(*) FROM steam_rec.recommendations) AS lists_rows_left
  FROM regress.last_model AS l;

DROP TABLE regress.last_model;
DROP FUNCTION regress.refuse_game_7(integer);
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
