-- refresh_recommendations() replaces each batch's lists by key: its DELETE
-- (and the lock of the batch's players) reads the primary key's range of the
-- batch, not the whole table.  With `= ANY (players)` alone, a
-- recommendations table that was never analyzed, as in a new database's first
-- refresh, was read whole by every batch: quadratic in the players (at a
-- million players, most of the refresh).  Everything runs in one transaction,
-- so no autovacuum ANALYZE lands between the statements.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 60) AS g;
SET max_parallel_workers_per_gather = 0;
SET client_min_messages = warning;  -- the refresh's progress notices
BEGIN;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 3000) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, 1 + (p + 7 * g) % 60, g FROM generate_series(1, 3000) AS p, generate_series(1, 3) AS g;
SELECT steam_rec.train('popularity') > 0 AS trained;
SELECT steam_rec.refresh_recommendations(k => 10) AS first_written;
SELECT seq_scan AS seq_scans_before FROM pg_stat_xact_user_tables
 WHERE relid = 'steam_rec.recommendations'::regclass \gset
-- 3,000 players in batches of 150: twenty DELETEs, none of them a scan of the table.
SELECT steam_rec.refresh_recommendations(k => 10) AS second_written;
SELECT seq_scan - :seq_scans_before AS seq_scans_of_lists FROM pg_stat_xact_user_tables
 WHERE relid = 'steam_rec.recommendations'::regclass;
SELECT count(*) AS lists, count(DISTINCT user_steam_id) AS players FROM steam_rec.recommendations;
COMMIT;
RESET max_parallel_workers_per_gather;
RESET client_min_messages;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
