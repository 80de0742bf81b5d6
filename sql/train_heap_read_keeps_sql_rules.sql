-- train() reads user_games by a heap scan where that reads what SQL would,
-- and through SQL elsewhere.  The model is the same either way; a caller
-- without SELECT on user_games is refused (42501) as PostgreSQL refuses it;
-- a caller with SELECT on the columns only, or under row-level security,
-- trains on exactly the rows SQL shows it.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 40) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT g, t, n FROM generate_series(1, 40) AS g,
       LATERAL (VALUES ('Group ' || g % 3, 1), ('Tag ' || g % 7, 2)) AS tag(t, n);
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 300) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 41 FROM generate_series(1, 300) AS p, generate_series(1, 40) AS g
 WHERE (g % 3 = p % 3 AND (p + g) % 4 <> 0) OR (p * 7 + g * 13) % 23 = 0;
-- Some rows with no score yet (read as 0, by either path).
UPDATE steam_rec.user_games SET engagement_score = NULL WHERE (user_steam_id + appid) % 17 = 0;
SELECT steam_rec.refresh_engagement(1) >= 0 AS scored_one;
SELECT count(*) AS rows, count(*) FILTER (WHERE engagement_score IS NULL) > 0 AS some_unscored
  FROM steam_rec.user_games;

-- Everything a model stores, as one hash, with the row counts it records.
CREATE FUNCTION regress.trained(id bigint) RETURNS text LANGUAGE sql AS $$
    SELECT format('%s players, %s games, %s interactions, rows %s', m.players, m.games, m.interactions,
                  (SELECT md5(string_agg(format('%s %s %s %s %s %s %s %s %s', appid, popularity, neighbors,
                                                weights, content_neighbors, content_weights, factors, tags,
                                                tag_weights), ';' ORDER BY appid))
                     FROM steam_rec.model_games WHERE model_id = id))
      FROM steam_rec.models AS m WHERE m.id = trained.id
$$;
CREATE FUNCTION regress.counted(id bigint) RETURNS text LANGUAGE sql AS $$
    SELECT format('%s players, %s interactions', players, interactions) FROM steam_rec.models AS m WHERE m.id = counted.id
$$;
CREATE TABLE regress.read_models (reader text, algorithm text, model text);
CREATE FUNCTION regress.train_all(reader text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    algorithm text;
BEGIN
    FOR algorithm IN SELECT a.name FROM steam_rec.algorithms() AS a LOOP
        INSERT INTO regress.read_models
        SELECT reader, algorithm, regress.trained(steam_rec.train(algorithm, CASE algorithm WHEN 'ials'
                                  THEN '{"factors": 8, "iterations": 3}' ELSE '{}' END::jsonb));
    END LOOP;
END
$$;

-- A maintenance role that may train, but holds no privilege on user_games yet.
CREATE ROLE regress_trainer NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec, regress TO regress_trainer;
GRANT EXECUTE ON FUNCTION steam_rec.train(text, jsonb), steam_rec.algorithms() TO regress_trainer;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA steam_rec TO regress_trainer;
REVOKE ALL ON steam_rec.user_games FROM regress_trainer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA steam_rec TO regress_trainer;
GRANT INSERT, SELECT ON regress.read_models TO regress_trainer;

-- 1. The owner: the heap scan.
SELECT regress.train_all('owner');

-- 1b. A column retyped by hand (real to double precision): a heap scan would
-- read its bytes as the wrong type, so SQL reads it, cast back to real.
SELECT regress.trained(steam_rec.train('itemknn', '{"engagement_weight": 1}')) AS weighted_model \gset
ALTER TABLE steam_rec.user_games ALTER COLUMN engagement_score TYPE double precision;
SELECT regress.train_all('retyped column');
SELECT regress.trained(steam_rec.train('itemknn', '{"engagement_weight": 1}')) = :'weighted_model'
    AS same_engagement_weighted_model;
ALTER TABLE steam_rec.user_games ALTER COLUMN engagement_score TYPE real;

-- 2. No SELECT on user_games: refused as a query of it would be, nothing stored.
SELECT count(*) AS models_before FROM steam_rec.models;
SET ROLE regress_trainer;
SELECT * FROM regress.refusal($$SELECT steam_rec.train('popularity')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('itemknn')$$);
RESET ROLE;
SELECT count(*) AS models_after FROM steam_rec.models;

-- 3. SELECT on the columns a training reads only (id: the model's data mark):
-- SQL reads them.
GRANT SELECT (id, user_steam_id, appid, engagement_score) ON steam_rec.user_games TO regress_trainer;
SET ROLE regress_trainer;
SELECT regress.train_all('column privileges');
RESET ROLE;
-- ... and one column fewer is refused again.
REVOKE SELECT (engagement_score) ON steam_rec.user_games FROM regress_trainer;
SET ROLE regress_trainer;
SELECT * FROM regress.refusal($$SELECT steam_rec.train('popularity')$$);
RESET ROLE;

-- 4. SELECT on the table: the heap scan, as the owner.
GRANT SELECT ON steam_rec.user_games TO regress_trainer;
SET ROLE regress_trainer;
SELECT regress.train_all('table privilege');
RESET ROLE;

-- 5. Row-level security that shows every row: SQL reads, the same model.
ALTER TABLE steam_rec.user_games ENABLE ROW LEVEL SECURITY;
CREATE POLICY every_row ON steam_rec.user_games TO regress_trainer USING (true);
SET ROLE regress_trainer;
SELECT regress.train_all('policy showing every row');
RESET ROLE;

-- Every reader above trained the same models.
SELECT algorithm, count(*) AS trainings, count(DISTINCT model) AS different_models
  FROM regress.read_models GROUP BY algorithm ORDER BY algorithm;

-- 6. A policy that shows a third of the players: the model counts only those
-- rows, as a query of the table by that role would see them.
DROP POLICY every_row ON steam_rec.user_games;
CREATE POLICY some_players ON steam_rec.user_games TO regress_trainer USING (user_steam_id % 3 = 0);
SET ROLE regress_trainer;
SELECT count(*) AS visible_rows, count(DISTINCT user_steam_id) AS visible_players FROM steam_rec.user_games;
SELECT regress.counted(steam_rec.train('popularity')) AS popularity_model;
RESET ROLE;
-- The owner is not subject to the policy: every row again.
SELECT regress.counted(steam_rec.train('popularity')) AS popularity_model;

-- 7. An inheritance child: SQL reads the parent and the child, so does train().
ALTER TABLE steam_rec.user_games DISABLE ROW LEVEL SECURITY;
CREATE TABLE regress.more_games () INHERITS (steam_rec.user_games);
INSERT INTO regress.more_games (id, user_steam_id, appid, playtime_hours, engagement_score)
VALUES (1000000, 1, 2, 3, 0.5);
SELECT regress.counted(steam_rec.train('popularity')) AS popularity_model;
DROP TABLE regress.more_games;

DROP POLICY some_players ON steam_rec.user_games;
DROP OWNED BY regress_trainer;
DROP ROLE regress_trainer;
DROP TABLE regress.read_models;
DROP FUNCTION regress.train_all(text), regress.trained(bigint), regress.counted(bigint);
DROP EXTENSION steam_rec;
