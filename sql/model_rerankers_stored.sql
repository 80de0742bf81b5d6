-- The re-ranker is stored (SQL 1.7): train() writes a model's fitted numbers
-- and its games' facts to model_rerankers, and serving reads them back, so a
-- re-ranked model serves the order training fitted.  The table follows
-- model_games' rights: a role that may write model_games trains a re-ranked
-- model, and one that may read it is served one, with no grant on
-- model_rerankers.  A malformed row is refused; the row goes with its model;
-- down to 1.6 it is stashed (1.6 refuses the parameter and serves the base
-- order) and the update puts it back.
CREATE EXTENSION steam_rec;
CALL regress.load_taste_clusters(50);

-- 1. Stored: 84 numbers (13 features: their means, scales and the weights
-- of them and of the 45 products of nine), 4 facts per game of the model.
SELECT steam_rec.train('hybrid', '{"rerank_candidates": 0}') AS plain \gset
SELECT steam_rec.train('hybrid', '{"rerank_candidates": 30}') AS reranked \gset
SELECT r.model_id = :reranked AS its_model, cardinality(r.fitted) AS fitted,
       cardinality(r.game_facts) = 4 * m.games AS four_facts_per_game
  FROM steam_rec.model_rerankers AS r JOIN steam_rec.models AS m ON m.id = r.model_id;

-- 2. Served: lists differ from the plain model's for some players, each
-- keeping the base model's first place.
CREATE TABLE lists (model text, player bigint, appids integer[]);
INSERT INTO lists SELECT 'reranked', p, ARRAY(SELECT appid FROM steam_rec.recommend(p, 10) ORDER BY rank)
  FROM generate_series(1, 240, 7) AS p;
SELECT steam_rec.activate_model(:plain);
INSERT INTO lists SELECT 'plain', p, ARRAY(SELECT appid FROM steam_rec.recommend(p, 10) ORDER BY rank)
  FROM generate_series(1, 240, 7) AS p;
SELECT count(*) FILTER (WHERE r.appids <> b.appids) > 0 AS some_lists_reordered,
       bool_and(r.appids[1] = b.appids[1]) AS first_places_kept,
       bool_and(r.appids <@ (SELECT array_agg(appid) FROM steam_rec.recommend(r.player, 30)) ) AS from_the_best_30
  FROM lists AS r JOIN lists AS b ON b.player = r.player AND b.model = 'plain'
 WHERE r.model = 'reranked';
SELECT steam_rec.activate_model(:reranked);
-- A new session builds the model from the tables again: the same lists.
\c
SELECT bool_and(appids = ARRAY(SELECT appid FROM steam_rec.recommend(player, 10) ORDER BY rank)) AS same_lists
  FROM lists WHERE model = 'reranked';

-- 3. Rights follow model_games: SELECT on the three model tables serves the
-- re-ranked model; INSERT on them trains one.  Neither role has any grant on
-- model_rerankers.
CREATE ROLE regress_rerank_reader NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec, regress TO regress_rerank_reader;
GRANT SELECT ON lists TO regress_rerank_reader;
GRANT SELECT ON steam_rec.models, steam_rec.model_games, steam_rec.model_tags, steam_rec.catalog_cache,
                steam_rec.user_games TO regress_rerank_reader;
SET ROLE regress_rerank_reader;
SELECT bool_and(appids = ARRAY(SELECT appid FROM steam_rec.recommend(player, 10) ORDER BY rank)) AS reader_served
  FROM lists WHERE model = 'reranked';
SELECT code FROM regress.refusal($$SELECT * FROM steam_rec.model_rerankers$$);
RESET ROLE;
CREATE ROLE regress_rerank_trainer NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec TO regress_rerank_trainer;
GRANT EXECUTE ON FUNCTION steam_rec.train(text, jsonb) TO regress_rerank_trainer;
GRANT SELECT ON steam_rec.users, steam_rec.game_tags, steam_rec.user_games, steam_rec.catalog_cache
   TO regress_rerank_trainer;
GRANT SELECT, INSERT, UPDATE ON steam_rec.models TO regress_rerank_trainer;
GRANT SELECT, INSERT ON steam_rec.model_games, steam_rec.model_tags, steam_rec.model_governance
   TO regress_rerank_trainer;
SET ROLE regress_rerank_trainer;
SELECT steam_rec.train('hybrid', '{"rerank_candidates": 30}') AS by_trainer \gset
SELECT current_user AS user_after_training;
RESET ROLE;
SELECT count(*) AS trainer_model_stored FROM steam_rec.model_rerankers WHERE model_id = :by_trainer;
SELECT steam_rec.activate_model(:reranked);

-- 4. A malformed row is refused with its model named (XX001), in a
-- transaction that changed it (its image is built from the tables).
BEGIN;
UPDATE steam_rec.model_rerankers SET fitted = fitted[1:60] WHERE model_id = :reranked;
SELECT code, regexp_replace(message, 'model \d+', 'model N') AS message
  FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1, 10)$$);
ROLLBACK;
BEGIN;
UPDATE steam_rec.model_rerankers SET game_facts = game_facts || 1::real WHERE model_id = :reranked;
SELECT code, message FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1, 10)$$);
ROLLBACK;
BEGIN;
UPDATE steam_rec.model_rerankers SET fitted = '{{1},{2}}' WHERE model_id = :reranked;
SELECT code, regexp_replace(message, 'model \d+', 'model N') AS message
  FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1, 10)$$);
ROLLBACK;

-- 4b. A row in the re-ranker's first shape (61 numbers: eleven features and
-- the products of seven, as models trained before the support features keep
-- it) still serves: here a hand-written one that weighs owners alone, each
-- list keeping the base model's first place.
BEGIN;
UPDATE steam_rec.model_rerankers
   SET fitted = array_fill(0::real, ARRAY[11]) || array_fill(1::real, ARRAY[11])
                || ARRAY[0, 0, 0, 1]::real[] || array_fill(0::real, ARRAY[35])
 WHERE model_id = :reranked;
SELECT cardinality(fitted) AS first_shape_numbers FROM steam_rec.model_rerankers WHERE model_id = :reranked;
SELECT count(*) FILTER (WHERE l.appids <> s.appids) > 0 AS lists_follow_the_first_shape,
       bool_and(l.appids[1] = s.appids[1]) AS first_places_kept,
       bool_and(cardinality(s.appids) = 10) AS ten_each
  FROM lists AS l
  CROSS JOIN LATERAL (SELECT ARRAY(SELECT appid FROM steam_rec.recommend(l.player, 10) ORDER BY rank) AS appids) AS s
 WHERE l.model = 'reranked';
ROLLBACK;

-- 5. The row goes with its model, by DELETE or TRUNCATE.
DELETE FROM steam_rec.models WHERE id = :by_trainer;
SELECT count(*) AS rows_of_deleted_model FROM steam_rec.model_rerankers WHERE model_id = :by_trainer;

-- 6. Down to 1.6: stashed, every number in full whatever extra_float_digits
-- says; maintain()'s params naming a re-ranker are warned of; the parameter
-- is refused (22023) with the update named; the model serves its base
-- order.  Back up: the row returns and the model serves its re-ranked lists
-- again.
CREATE TEMP TABLE kept AS SELECT * FROM steam_rec.model_rerankers;
BEGIN;
SELECT steam_rec.set_maintenance_setting('algorithm', 'hybrid');
SELECT steam_rec.set_maintenance_setting('params', '{"rerank_candidates": 30}');
COMMIT;
SET extra_float_digits = 0;
ALTER EXTENSION steam_rec UPDATE TO '1.6';
RESET extra_float_digits;
SELECT steam_rec.set_maintenance_setting('params', NULL);
SELECT count(*) AS stashed FROM steam_rec.migration_stash WHERE item = 'model_rerankers';
SELECT code, message, hint FROM regress.refusal($$SELECT steam_rec.train('hybrid', '{"rerank_candidates": 30}')$$);
SELECT code, message FROM regress.refusal($$SELECT steam_rec.train_params('hybrid', '{"rerank_candidates": 30}')$$);
SELECT bool_and(b.appids = ARRAY(SELECT appid FROM steam_rec.recommend(b.player, 10) ORDER BY rank))
       AS base_order_at_1_6
  FROM lists AS b WHERE b.model = 'plain';
ALTER EXTENSION steam_rec UPDATE TO '1.7';
SELECT NOT EXISTS (SELECT * FROM kept EXCEPT SELECT * FROM steam_rec.model_rerankers)
       AND NOT EXISTS (SELECT * FROM steam_rec.model_rerankers EXCEPT SELECT * FROM kept) AS rows_restored;
SELECT count(*) AS stash_left FROM steam_rec.migration_stash WHERE item = 'model_rerankers';
SELECT bool_and(appids = ARRAY(SELECT appid FROM steam_rec.recommend(player, 10) ORDER BY rank)) AS reranked_again
  FROM lists WHERE model = 'reranked';

TRUNCATE steam_rec.models;
SELECT count(*) AS rows_after_truncate FROM steam_rec.model_rerankers;

-- 7. A stashed row comes back only to the model it was stashed with: an id
-- taken again at 1.6 (models emptied, the identity restarted) is another
-- model, which serves without it.
TRUNCATE steam_rec.models RESTART IDENTITY;
SELECT steam_rec.train('hybrid', '{"rerank_candidates": 30}') AS first_id \gset
ALTER EXTENSION steam_rec UPDATE TO '1.6';
TRUNCATE steam_rec.models RESTART IDENTITY;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(51, 60) AS g;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, 50 + p % 10, 3 FROM generate_series(1, 240) AS p;
SELECT steam_rec.train('hybrid') = :first_id AS same_id_again;
ALTER EXTENSION steam_rec UPDATE TO '1.7';
SELECT count(*) AS rows_given_to_the_new_model FROM steam_rec.model_rerankers;
SELECT count(*) AS stash_left FROM steam_rec.migration_stash WHERE item = 'model_rerankers';
SELECT count(*) = 10 AS new_model_serves FROM steam_rec.recommend(5, 10);

DROP EXTENSION steam_rec;
DROP TABLE lists;
DROP OWNED BY regress_rerank_reader, regress_rerank_trainer;
DROP ROLE regress_rerank_reader, regress_rerank_trainer;
