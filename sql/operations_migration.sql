-- The tables of 1.5's operations (maintenance settings, the maintenance log,
-- pins and data marks) survive a downgrade to 1.4 and back: the downgrade
-- stashes their rows with a warning, the upgrade restores them unchanged, the
-- log's ids continue after them, and the schema is a fresh 1.5's (installed as
-- 1.5, so later versions' objects do not count as missing).
CREATE EXTENSION steam_rec VERSION '1.5';
CREATE TEMP TABLE fresh_1_5 AS SELECT regress.catalog_snapshot() AS fact;

INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 12) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 30) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, p % 7 FROM generate_series(1, 30) AS p, generate_series(1, 12) AS g WHERE (p + g) % 3 = 0;
SET client_min_messages = warning;
SELECT steam_rec.set_maintenance_setting('keep_previous', '5');
SELECT steam_rec.set_maintenance_setting('evaluate', 'off');
CALL steam_rec.maintain();
SELECT steam_rec.train('popularity') AS second_model \gset
CALL steam_rec.maintain();
RESET client_min_messages;
SELECT steam_rec.pin_model(1, 'first nightly model');
SELECT (SELECT count(*) FROM steam_rec.maintenance_changed_settings) AS settings,
       (SELECT count(*) FROM steam_rec.maintenance_log) AS runs,
       (SELECT count(*) FROM steam_rec.model_governance) AS governed;
CREATE TEMP TABLE rows_at_1_5 AS
SELECT regress.rows_hash('{maintenance_changed_settings,maintenance_log,model_governance}') AS hash;
CREATE TEMP TABLE log_sequence_at_1_5 AS SELECT last_value, is_called FROM steam_rec.maintenance_log_id_seq;

ALTER EXTENSION steam_rec UPDATE TO '1.4';
SELECT item, count(*) FROM steam_rec.migration_stash GROUP BY item ORDER BY item;
SELECT to_regclass('steam_rec.maintenance_log') AS log, to_regprocedure('steam_rec.maintain()') AS maintain,
       (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'steam_rec.models'::regclass AND NOT tgisinternal) AS model_triggers;
-- Training at 1.4 works without the governance triggers.
SELECT steam_rec.train('popularity') > :second_model AS trained_at_1_4;

ALTER EXTENSION steam_rec UPDATE TO '1.5';
-- The rows of the three tables are exactly as before, and so is the log's sequence.
SELECT hash = regress.rows_hash('{maintenance_changed_settings,maintenance_log,model_governance}') AS rows_restored
  FROM rows_at_1_5;
SELECT s.last_value = q.last_value AND s.is_called = q.is_called AS sequence_restored
  FROM log_sequence_at_1_5 AS s, steam_rec.maintenance_log_id_seq AS q;
SELECT count(*) AS stash_rows FROM steam_rec.migration_stash;
(SELECT fact FROM regress.catalog_snapshot() AS fact EXCEPT SELECT fact FROM fresh_1_5)
UNION ALL
(SELECT fact FROM fresh_1_5 EXCEPT SELECT fact FROM regress.catalog_snapshot() AS fact);
SELECT model_id, pinned, pin_note FROM steam_rec.model_governance WHERE pinned;
-- The next run continues the log's ids; the model trained at 1.4 has no data
-- mark, so its changes are unknown and it is retrained.
SET client_min_messages = warning;
CALL steam_rec.maintain();
RESET client_min_messages;
SELECT id > 2 AS log_ids_continue, status, decision, active_model_before, reason
  FROM steam_rec.maintenance_log ORDER BY id DESC LIMIT 1;

DROP EXTENSION steam_rec;
