-- Model governance: model_report() (what a model is, how it differs from the
-- active one, the drift since it was trained), pins and prune_models().
CREATE EXTENSION steam_rec;

-- The taste-cluster fixture (sql/setup.sql): four clusters of ten games, four
-- popular games (41-44) and two games nobody owns (45, 46).
CALL regress.load_taste_clusters(46);
SELECT steam_rec.refresh_engagement() > 0 AS scored;

SELECT steam_rec.train('popularity') AS popularity_model \gset
SELECT steam_rec.train('itemknn') AS itemknn_model \gset
SELECT steam_rec.train('content') AS content_model \gset
SELECT steam_rec.train('hybrid') AS hybrid_model \gset
-- Every model trained now records where user_games stood.
SELECT model_id, user_games_mark = (SELECT max(id) FROM steam_rec.user_games) AS marked, pinned
  FROM steam_rec.model_governance ORDER BY 1;

-- 1. The active model: what it is; compared with itself nothing changes.
CREATE TEMP TABLE served_before AS SELECT appid, rank FROM steam_rec.recommend(7, 10);
CREATE TEMP TABLE models_before AS SELECT regress.rows_hash('{models,model_games,model_governance}') AS hash;
SELECT model_id, algorithm, params ->> 'base' AS base, active, pinned, seconds >= 0 AS timed, training_rows,
       players, games, size_bytes > 0 AS sized, evaluation, compared_with, compared_players, top10_changed_share,
       coverage = active_coverage AS same_coverage, mean_popularity_rank = active_mean_popularity_rank AS same_bias,
       new_players, new_games, new_rows, deleted_rows, played_rows, changed_share
  FROM steam_rec.model_report();

-- 2. Another model against the active one: the popularity model changes every
-- player's list, covers fewer games and recommends more popular ones (a lower
-- mean popularity rank).  Reporting it changed no row and the active model
-- still serves the same lists.
SELECT model_id, algorithm, active, compared_with, compared_players,
       top10_changed_share, coverage < active_coverage AS narrower,
       mean_popularity_rank < active_mean_popularity_rank AS more_popular
  FROM steam_rec.model_report(:popularity_model);
SELECT model_id, algorithm, compared_players, top10_changed_share, coverage > 0 AS covers
  FROM steam_rec.model_report(:itemknn_model, sample_players => 50);
SELECT hash = regress.rows_hash('{models,model_games,model_governance}') AS no_row_changed FROM models_before;
SELECT id FROM steam_rec.models WHERE active;
(SELECT appid, rank FROM steam_rec.recommend(7, 10) EXCEPT SELECT * FROM served_before)
UNION ALL
(SELECT * FROM served_before EXCEPT SELECT appid, rank FROM steam_rec.recommend(7, 10));
-- sample_players => 0 compares nothing.
SELECT compared_players, top10_changed_share, coverage FROM steam_rec.model_report(:content_model, 0);

-- 3. Drift since training, exactly: 3 new players with 2 games each (one a
-- game no model knows), 4 rows played since, 5 rows deleted.
INSERT INTO steam_rec.users (steam_id, username) VALUES (301, 'new_1'), (302, 'new_2'), (303, 'new_3');
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 FROM generate_series(301, 303) AS p, (VALUES (1), (45)) AS games(g);
UPDATE steam_rec.user_games SET last_played = clock_timestamp()
 WHERE id IN (SELECT id FROM steam_rec.user_games WHERE user_steam_id = 10 ORDER BY id LIMIT 4);
DELETE FROM steam_rec.user_games
 WHERE id IN (SELECT id FROM steam_rec.user_games WHERE user_steam_id = 11 ORDER BY id LIMIT 5);
SELECT model_id, new_players, new_games, new_rows, deleted_rows, played_rows,
       round(changed_share::numeric, 4) = round(15.0 / training_rows, 4) AS share_of_training_rows
  FROM steam_rec.model_report(:hybrid_model);

-- A time after now ('infinity', or a client's clock ahead) is no play and no
-- arrival yet: rows played then and players created then leave the drift as
-- it was (they counted at every later run, so maintain() retrained nightly).
BEGIN;
UPDATE steam_rec.user_games SET last_played = 'infinity'
 WHERE id = (SELECT min(id) FROM steam_rec.user_games WHERE user_steam_id = 12);
UPDATE steam_rec.user_games SET last_played = now() + interval '1 day'
 WHERE id = (SELECT min(id) FROM steam_rec.user_games WHERE user_steam_id = 13);
INSERT INTO steam_rec.users (steam_id, username, created_at)
VALUES (304, 'new_4', 'infinity'), (305, 'new_5', now() + interval '1 day');
SELECT model_id, new_players, new_games, new_rows, deleted_rows, played_rows
  FROM steam_rec.model_report(:hybrid_model);
ROLLBACK;

-- A model row that arrives with an older trained_at (a restore, a stash coming
-- back) is not marked now; its drift counts only what timestamps tell.
INSERT INTO steam_rec.models (id, algorithm, params, trained_at, players, games, interactions, seconds)
VALUES (100, 'popularity', '{}', now() - interval '1 day', 1, 1, 1, 0);
SELECT count(*) AS marked FROM steam_rec.model_governance WHERE model_id = 100;
SELECT new_rows, deleted_rows, played_rows, changed_share, new_players
  FROM steam_rec.model_report(100, sample_players => 0);
DELETE FROM steam_rec.models WHERE id = 100;

-- 4. Errors.
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.model_report(999)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.model_report(sample_players => -1)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.model_report(sample_players => NULL)$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.pin_model(NULL)$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.pin_model(999)$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.unpin_model(999)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.prune_models(-1)$$);

-- 5. Retention: keep the active model, the newest previous one and the pinned one.
SELECT steam_rec.train('itemknn') AS newest_model \gset
SELECT steam_rec.activate_model(:hybrid_model);
SELECT steam_rec.pin_model(:popularity_model, 'the baseline');
SELECT model_id, pinned, pinned_at IS NOT NULL AS dated, pin_note FROM steam_rec.model_governance WHERE pinned;
SELECT id, algorithm FROM steam_rec.prune_models(1) ORDER BY id;
SELECT m.id, m.algorithm, m.active, coalesce(g.pinned, false) AS pinned
  FROM steam_rec.models AS m LEFT JOIN steam_rec.model_governance AS g ON g.model_id = m.id ORDER BY m.id;
-- No rows of a deleted model are left behind.
SELECT count(*) AS orphan_rows FROM steam_rec.model_games AS g
 WHERE NOT EXISTS (SELECT FROM steam_rec.models AS m WHERE m.id = g.model_id);
SELECT count(*) AS orphan_governance FROM steam_rec.model_governance AS g
 WHERE NOT EXISTS (SELECT FROM steam_rec.models AS m WHERE m.id = g.model_id);
-- The default keeps 3 previous: nothing more to delete.
SELECT count(*) AS deleted FROM steam_rec.prune_models();
-- Unpinned and keeping none: only the active model is left, and it still serves.
SELECT steam_rec.unpin_model(:popularity_model);
SELECT id FROM steam_rec.prune_models(0) ORDER BY id;
SELECT id, active FROM steam_rec.models;
SELECT count(*) AS served FROM steam_rec.recommend(7, 10);

-- 6. TRUNCATE of the models takes their governance rows along.
SELECT steam_rec.pin_model(:hybrid_model);
TRUNCATE steam_rec.models;
SELECT count(*) AS governance_rows FROM steam_rec.model_governance;

DROP EXTENSION steam_rec;
