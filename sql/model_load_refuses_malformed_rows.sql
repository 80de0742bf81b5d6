-- Stored model rows changed by hand into something train() never writes are
-- refused when the model is loaded, as the data corruption they are: XX001
-- with a hint to retrain, on every call of the transaction that changed
-- them.  They were refused as the caller's mistake (22023, no hint), and a
-- model left with no rows at all served empty lists to everyone.
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();
SELECT steam_rec.train('hybrid', '{"base": "itemknn"}') AS model \gset
SELECT count(*) AS recommended FROM steam_rec.recommend(1);

-- A neighbour that is not a game of the model.
BEGIN;
UPDATE steam_rec.model_games SET neighbors[1] = 999999 WHERE model_id = :model AND appid = 2;
SELECT code, message, hint FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1)$$);
ROLLBACK;

-- Neighbours out of order.
BEGIN;
UPDATE steam_rec.model_games SET neighbors = ARRAY(SELECT unnest(neighbors) ORDER BY 1 DESC)
 WHERE model_id = :model AND appid = 2;
SELECT code, message, hint FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1)$$);
ROLLBACK;

-- A tag number past the model's tags.
BEGIN;
UPDATE steam_rec.model_games SET tags[1] = 99999 WHERE model_id = :model AND appid = 2;
SELECT code, message, hint FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1)$$);
ROLLBACK;

-- Fewer weights than neighbours: the game is named.
BEGIN;
ALTER TABLE steam_rec.model_games DROP CONSTRAINT model_games_neighbors_match_weights;
UPDATE steam_rec.model_games SET weights = weights[1:1] WHERE model_id = :model AND appid = 2;
SELECT code, message, hint FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1)$$);
ROLLBACK;

-- Weights and popularity near the float maximum: a player's sums overflowed
-- to infinity and every score was NaN.
BEGIN;
UPDATE steam_rec.model_games SET weights = array_fill(3e38::real, ARRAY[cardinality(weights)])
 WHERE model_id = :model;
SELECT code, message, hint FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1)$$);
ROLLBACK;
BEGIN;
UPDATE steam_rec.model_games SET popularity = 3e38 WHERE model_id = :model AND appid = 2;
SELECT code, message, hint FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1)$$);
ROLLBACK;

-- No rows left.
BEGIN;
DELETE FROM steam_rec.model_games WHERE model_id = :model;
SELECT code, regexp_replace(message, 'model \d+', 'model N') AS message, hint
  FROM regress.refusal($$SELECT * FROM steam_rec.recommend_for_games('{2}')$$);
ROLLBACK;

-- A caller under a policy that hides part of the model is told so, not
-- that the model is corrupt (retraining would not help it).
BEGIN;
CREATE ROLE regress_part_reader NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec, regress TO regress_part_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA steam_rec TO regress_part_reader;
ALTER TABLE steam_rec.model_tags ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_fps ON steam_rec.model_tags TO regress_part_reader USING (tag_name = 'FPS');
SET ROLE regress_part_reader;
SELECT code, message, hint FROM regress.refusal($$SELECT * FROM steam_rec.recommend_for_games('{11}')$$);
RESET ROLE;
ROLLBACK;

-- The rows restored by the rollbacks: served again.
SELECT count(*) AS recommended FROM steam_rec.recommend(1);
DROP EXTENSION steam_rec;

-- A model of tables with no games has no rows: it serves empty lists, as
-- the model train() made.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) VALUES (7, 'player_7');
SELECT steam_rec.train('hybrid') > 0 AS trained;
SELECT count(*) AS model_rows FROM steam_rec.model_games;
SELECT count(*) AS recommended FROM steam_rec.recommend(7);
DROP EXTENSION steam_rec;
