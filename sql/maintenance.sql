-- maintain(): the settings it follows, a first run that trains, a run that
-- finds nothing to do, a retrain because the data changed, an evaluation that
-- rejects a worse model, a failing step, and the refusal inside a transaction
-- block.  Progress NOTICEs carry timings, so they are hidden here and the log
-- table is checked instead (the NOTICEs are shown by the demo).
CREATE EXTENSION steam_rec;

-- 1. Settings: shown with their defaults, set, checked, reset.
SELECT name, value, default_value, changed_at IS NULL AS is_default FROM steam_rec.maintenance_settings();
SELECT steam_rec.set_maintenance_setting('retrain_max_age', '3 days 2 hours');
SELECT steam_rec.set_maintenance_setting('tolerance', ' 0.1 ');
SELECT steam_rec.set_maintenance_setting('evaluate', 'false');
SELECT name, value FROM steam_rec.maintenance_settings() WHERE changed_at IS NOT NULL ORDER BY name;
SELECT steam_rec.set_maintenance_setting('tolerance', 'default');
SELECT steam_rec.set_maintenance_setting('evaluate', NULL);
SELECT name, value FROM steam_rec.maintenance_settings() WHERE changed_at IS NOT NULL ORDER BY name;
SELECT * FROM regress.refusal($$SELECT steam_rec.set_maintenance_setting('retrain_max_agee', '1 day')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.set_maintenance_setting('retrain_max_age', '-1 day')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.set_maintenance_setting('retrain_max_age', 'soon')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.set_maintenance_setting('tolerance', '1.5')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.set_maintenance_setting('retrain_changed_share', 'NaN')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.set_maintenance_setting('evaluation_k', '0')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.set_maintenance_setting('keep_previous', '2.5')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.set_maintenance_setting('algorithm', 'svd')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.set_maintenance_setting('params', '[1]')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.set_maintenance_setting('evaluate', 'maybe')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.set_maintenance_setting(NULL, '1')$$);
SELECT name, value FROM steam_rec.maintenance_settings() WHERE changed_at IS NOT NULL ORDER BY name;
-- An age that IntervalStyle sql_standard reads otherwise (its leading minus
-- sign reaches the unsigned fields after it) is refused; with every sign
-- written it is the same under each style, and the caller's style stays.
SELECT * FROM regress.refusal($$SELECT steam_rec.set_maintenance_setting('retrain_max_age', '-1 day 25:00:00')$$);
SET IntervalStyle = sql_standard;
SELECT steam_rec.set_maintenance_setting('retrain_max_age', '-1 day +25:00:00');
SELECT current_setting('IntervalStyle') AS style,
       (SELECT value::interval = interval '1 hour' FROM steam_rec.maintenance_settings() WHERE name = 'retrain_max_age') AS one_hour;
RESET IntervalStyle;
SELECT (SELECT value::interval = interval '1 hour' FROM steam_rec.maintenance_settings() WHERE name = 'retrain_max_age') AS one_hour;
SELECT steam_rec.set_maintenance_setting('retrain_max_age', '3 days 2 hours');

-- The taste-cluster fixture (sql/setup.sql): 44 games, 240 players.
CALL regress.load_taste_clusters(44);

-- 2. The first run: no model is active, so it trains, evaluates (with no
-- reference yet), activates, refreshes every list and prunes nothing.
SET client_min_messages = warning;
CALL steam_rec.maintain();
RESET client_min_messages;
SELECT id, status, decision, reason ~ '^no model is active; evaluation: Recall@20 [0-9.]+, NDCG@20 [0-9.]+; no reference' AS reason_ok,
       active_model_before, trained_model, active_model_after, finished_at >= started_at AS finished,
       error IS NULL AS no_error
  FROM steam_rec.maintenance_log;
SELECT s.ordinality, s.step ->> 'step' AS step, s.step ->> 'rows' AS rows,
       (s.step ->> 'seconds')::numeric >= 0 AS timed, left(s.step ->> 'detail', 40) AS detail
  FROM steam_rec.maintenance_log AS l, jsonb_array_elements(l.steps) WITH ORDINALITY AS s(step, ordinality)
 WHERE l.id = 1 ORDER BY 1;
SELECT evaluation ->> 'rule' AS rule, evaluation -> 'candidate' ->> 'algorithm' AS algorithm,
       (evaluation -> 'candidate' ->> 'players')::int > 0 AS measured, evaluation ->> 'passed' AS passed
  FROM steam_rec.maintenance_log WHERE id = 1;
SELECT id, algorithm, active FROM steam_rec.models;
SELECT count(*) AS players_with_lists, min(n) AS shortest, max(n) AS longest
  FROM (SELECT user_steam_id, count(*) AS n FROM steam_rec.recommendations GROUP BY 1) AS lists;

-- 3. Nothing changed: no retrain; the lists are refreshed all the same.
SET client_min_messages = warning;
CALL steam_rec.maintain();
RESET client_min_messages;
SELECT id, status, decision, regexp_replace(reason, 'it is [0-9.]+ s old', 'it is N s old') AS reason,
       trained_model, active_model_after
  FROM steam_rec.maintenance_log WHERE id = 2;
SELECT s.step ->> 'step' AS step, s.step ->> 'rows' AS rows,
       regexp_replace(s.step ->> 'detail', 'it is [0-9.]+ s old', 'it is N s old') AS detail
  FROM steam_rec.maintenance_log AS l, jsonb_array_elements(l.steps) AS s(step)
 WHERE l.id = 2 AND s.step ->> 'step' IN ('decide', 'evaluate', 'train');

-- 4. New players with games (the changed-share rule), rows played since the
-- training and a deleted row: a new model, compared with the evaluation that
-- was recorded for the active one (same configuration), and activated.
INSERT INTO steam_rec.users (steam_id, username)
SELECT p, 'player_' || p FROM generate_series(241, 260) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, 1 + (p % 4) * 10 + g, 3 FROM generate_series(241, 260) AS p, generate_series(0, 7) AS g;
UPDATE steam_rec.user_games SET playtime_hours = playtime_hours + 1, last_played = clock_timestamp()
 WHERE user_steam_id IN (1, 2);
DELETE FROM steam_rec.user_games WHERE user_steam_id = 3 AND appid = 32;
SET client_min_messages = warning;
CALL steam_rec.maintain();
RESET client_min_messages;
SELECT id, status, decision, active_model_before, trained_model, active_model_after,
       regexp_replace(reason, '[0-9]\.[0-9]{4}', 'x.xxxx', 'g') AS reason
  FROM steam_rec.maintenance_log WHERE id = 3;
SELECT evaluation ->> 'reference_source' AS reference, evaluation ->> 'passed' AS passed
  FROM steam_rec.maintenance_log WHERE id = 3;
SELECT id, algorithm, active FROM steam_rec.models ORDER BY id;

-- 5. A worse configuration is rejected: popularity measured against the
-- active hybrid's configuration on the same split, with no tolerance.  The
-- active model stays, nothing is trained, and the numbers are in the log.
SELECT steam_rec.set_maintenance_setting('algorithm', 'popularity');
SELECT steam_rec.set_maintenance_setting('tolerance', '0');
SELECT steam_rec.set_maintenance_setting('retrain_changed_rows', '1');
UPDATE steam_rec.user_games SET last_played = clock_timestamp() WHERE user_steam_id = 4;
SET client_min_messages = warning;
CALL steam_rec.maintain();
RESET client_min_messages;
SELECT id, status, decision, trained_model, active_model_before = active_model_after AS same_model_active,
       reason ~ 'worse beyond the tolerance 0$' AS says_worse
  FROM steam_rec.maintenance_log WHERE id = 4;
SELECT evaluation -> 'candidate' ->> 'algorithm' AS candidate, evaluation -> 'reference' ->> 'algorithm' AS reference,
       (evaluation -> 'candidate' ->> 'ndcg')::real < (evaluation -> 'reference' ->> 'ndcg')::real AS candidate_worse,
       evaluation ->> 'reference_source' AS source, evaluation ->> 'passed' AS passed
  FROM steam_rec.maintenance_log WHERE id = 4;
SELECT s.step ->> 'detail' AS train_step
  FROM steam_rec.maintenance_log AS l, jsonb_array_elements(l.steps) AS s(step)
 WHERE l.id = 4 AND s.step ->> 'step' = 'train';
SELECT id, algorithm, active FROM steam_rec.models ORDER BY id;

-- 6. A step that fails: the run is logged as failed in that step with the
-- error, the error reaches the caller with a hint, the previous model stays
-- active, and the lock is released (the next run starts).  (Not through
-- regress.refusal(): its exception block is a subtransaction, where
-- maintain() refuses to start.)  The failing pair is stored past the check
-- of set_maintenance_setting(), as a database from 1.5 may hold it.
SELECT steam_rec.set_maintenance_setting('algorithm', 'ease');
SET session_replication_role = replica;
SELECT steam_rec.set_maintenance_setting('params', '{"lambda": -5}');
RESET session_replication_role;
SET client_min_messages = warning;
CALL steam_rec.maintain();
RESET client_min_messages;
SELECT id, status, failed_step, error_sqlstate, error ~ 'lambda' AS names_parameter,
       active_model_before = active_model_after AS same_model_active, jsonb_array_length(steps) AS steps_done
  FROM steam_rec.maintenance_log WHERE id = 5;
SELECT steam_rec.set_maintenance_setting('algorithm', 'default');
SELECT steam_rec.set_maintenance_setting('params', 'default');
SELECT steam_rec.set_maintenance_setting('tolerance', 'default');
SELECT steam_rec.set_maintenance_setting('retrain_changed_rows', 'default');
SET client_min_messages = warning;
CALL steam_rec.maintain();
RESET client_min_messages;
SELECT id, status, decision FROM steam_rec.maintenance_log WHERE id = 6;

-- 7. It commits between steps, so it refuses to run inside a transaction
-- block, before it does anything.
BEGIN;
CALL steam_rec.maintain();
ROLLBACK;
SELECT count(*) AS runs FROM steam_rec.maintenance_log;

-- 8. A run that died with its session (still marked running) is marked
-- interrupted by the next run.
INSERT INTO steam_rec.maintenance_log (status, backend_pid) VALUES ('running', 1);
SET client_min_messages = warning;
CALL steam_rec.maintain();
RESET client_min_messages;
SELECT id, status, error FROM steam_rec.maintenance_log WHERE id >= 7 ORDER BY id;

-- 9. Maintenance is for maintainers: PUBLIC may not run it or change its settings.
SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public_can_execute
  FROM pg_proc AS p
 WHERE p.pronamespace = 'steam_rec'::regnamespace
   AND p.proname IN ('maintain', 'set_maintenance_setting', 'maintenance_settings', 'prune_models',
                     'pin_model', 'unpin_model', 'model_report')
 ORDER BY 1;

DROP EXTENSION steam_rec;

-- 10. A new installation with too little data for a held-out split: the
-- evaluation measures no player, and the model is activated without a
-- comparison rather than the run failing every night.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 3) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 FROM generate_series(1, 3) AS p, generate_series(1, 2) AS g;
SET client_min_messages = warning;
CALL steam_rec.maintain();
RESET client_min_messages;
SELECT status, decision, trained_model, active_model_after, evaluation -> 'candidate' ->> 'players' AS measured,
       regexp_replace(reason, '^.*evaluation: ', '') AS evaluation
  FROM steam_rec.maintenance_log;

DROP EXTENSION steam_rec;
