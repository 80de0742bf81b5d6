-- evaluate() on a planted structure: two taste clusters that a collaborative
-- model can see and popularity cannot.  It is deterministic for a seed and
-- changes no stored row and no active model.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 24) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name)
SELECT g, CASE WHEN g <= 12 THEN 'Strategy' ELSE 'FPS' END FROM generate_series(1, 24) AS g;
-- Players 1-30 own most of games 1-12, players 31-60 most of games 13-24;
-- the popular games of one cluster are the ones the other never owns.
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 60) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 20 FROM generate_series(1, 60) AS p, generate_series(1, 24) AS g
 WHERE (p <= 30) = (g <= 12) AND (p * 7 + g * 3) % 5 <> 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;
SELECT steam_rec.train('popularity') AS active_model \gset
CREATE TEMP TABLE before AS
SELECT regress.rows_hash('{users,user_games,recommendations,models,model_games,model_tags}') AS hash;

-- Progress is reported per algorithm, with its training time (popularity's
-- is 0.0 s even on a slow or instrumented server).
SELECT algorithm FROM steam_rec.evaluate('{}', k => 5, min_games => 3);
-- Other algorithms' training times vary from machine to machine: from here
-- on only the results are compared.
SET client_min_messages = warning;

-- Every algorithm; a model that sees the clusters beats popularity.
CREATE TEMP TABLE first_run AS SELECT * FROM steam_rec.evaluate(k => 5, min_games => 3);
SELECT algorithm, players, recall > 0 AS some_hits, coverage > 0 AS covers FROM first_run;
SELECT algorithm, recall > (SELECT recall FROM first_run WHERE algorithm = 'popularity') AS beats_popularity
  FROM first_run WHERE algorithm NOT IN ('popularity', 'content');

-- The same seed gives the same numbers; another seed another split.
SELECT count(*) AS differing FROM (
    SELECT algorithm, recall, ndcg, hit_rate, coverage, players FROM first_run
    EXCEPT SELECT algorithm, recall, ndcg, hit_rate, coverage, players FROM steam_rec.evaluate(k => 5, min_games => 3)) AS d;
SELECT (SELECT ndcg FROM steam_rec.evaluate('{ease}', k => 5, min_games => 3, seed => 7) WHERE algorithm = 'ease')
       IS DISTINCT FROM (SELECT ndcg FROM first_run WHERE algorithm = 'ease') AS other_seed_other_split;

-- Popularity is always there; repeats are dropped; params reach the trainer.
SELECT algorithm FROM steam_rec.evaluate('{ease,ease}', k => 5, min_games => 3);
-- (Every model finds both held-out games of this easy fixture: NDCG tells them apart.)
SELECT (SELECT ndcg FROM steam_rec.evaluate('{ease}', k => 5, min_games => 3, params => '{"ease": {"lambda": 1e6}}')
         WHERE algorithm = 'ease') < (SELECT ndcg FROM first_run WHERE algorithm = 'ease') AS huge_lambda_is_worse;
-- 'engaged' counts fewer held-out games; validation splits the training part.
SELECT (SELECT players FROM steam_rec.evaluate('{}', k => 5, min_games => 3, target => 'engaged'))
       <= (SELECT players FROM first_run WHERE algorithm = 'popularity') AS engaged_players_are_fewer;
SELECT count(*) AS validation_rows FROM steam_rec.evaluate('{hybrid}', k => 5, min_games => 3, validation => true);
-- 'new_games' holds out whole games; its floor is popularity by tags.
SELECT algorithm, players > 0 AS measured, coverage <= 1 AS coverage_within_new_games
  FROM steam_rec.evaluate('{content}', k => 5, min_games => 3, target => 'new_games');

-- Nothing stored changed, the active model neither.
SELECT regress.rows_hash('{users,user_games,recommendations,models,model_games,model_tags}') = hash AS unchanged
  FROM before;
SELECT id = :active_model AS same_model_active FROM steam_rec.models WHERE active;

-- Bad arguments.
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate(k => 0)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate(holdout => 0)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate(holdout => 1)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate(holdout => 'NaN')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate(target => 'loved')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate('{svd}')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate('{itemknn, NULL}')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate(seed => NULL)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate(min_games => 0)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate(min_games => 1000)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate(params => '[1]')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate('{ease}', params => '{"ials": {}}')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate('{ease}', params => '{"ease": 5}')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate('{ease}', params => '{"ease": {"lamda": 5}}')$$);

-- The memory check comes before any data is read, as train()'s does: with
-- min_games no player meets, reading first would fail on "no player is left"
-- instead.  3,000 players who own nothing (counted from users, an upper bound)
-- make 512 ials factors need more than the smallest limit allows.
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'idle_' || p FROM generate_series(1001, 4000) AS p;
SET steam_rec.training_memory_limit = '16MB';
SET steam_rec.max_threads = 2;  -- each thread's scratch counts: the same number on any machine
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate('{ials}', min_games => 10000,
                                                                  params => '{"ials": {"factors": 512}}')$$);
RESET steam_rec.training_memory_limit;
RESET steam_rec.max_threads;

-- The re-ranker (rerank_candidates) is measured by evaluate(), the same on
-- every run (train() stores it from 1.7: model_rerankers_stored).
SELECT r.players = h.players AS same_players, r.recall > 0 AS ranks
  FROM steam_rec.evaluate('{hybrid}', k => 5, min_games => 3, params => '{"hybrid": {"rerank_candidates": 20}}') AS r,
       steam_rec.evaluate('{hybrid}', k => 5, min_games => 3) AS h
 WHERE r.algorithm = 'hybrid' AND h.algorithm = 'hybrid';
SELECT count(*) AS different_runs FROM (
    SELECT recall, ndcg FROM steam_rec.evaluate('{hybrid}', k => 5, min_games => 3,
                                                params => '{"hybrid": {"rerank_candidates": 20}}')
    EXCEPT SELECT recall, ndcg FROM steam_rec.evaluate('{hybrid}', k => 5, min_games => 3,
                                                       params => '{"hybrid": {"rerank_candidates": 20}}')) AS d;

-- Nobody left to measure on the target is refused, as nobody left at all
-- is: 'engaged' with no game played for two hours gave rows of zeros.
BEGIN;
UPDATE steam_rec.user_games SET playtime_hours = 0;
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate('{itemknn}', target => 'engaged')$$);
ROLLBACK;

DROP EXTENSION steam_rec;
