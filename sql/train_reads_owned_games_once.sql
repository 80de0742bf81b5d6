-- train() reads user_games by one heap scan where a heap scan reads what SQL
-- would: the memory estimate counts the rows and distinct games while they
-- are read, instead of scanning the table once more before.  The counts the
-- model records, and a refusal over steam_rec.training_memory_limit (raised
-- while reading, naming the whole table's sizes), are what they were.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 60) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p + g) % 9 FROM generate_series(1, 50) AS p, generate_series(1, 3000) AS g
 WHERE (p * 31 + g * 17) % 7 = 0 OR g % 50 = p
 ORDER BY (p * 7919 + g * 104729) % 1000003;
SELECT count(*) AS rows, count(DISTINCT appid) AS games FROM steam_rec.user_games;

-- 1. One sequential scan of user_games per training, on 1 and 2 threads:
-- the scans this backend counted in the transaction (not yet reported, so
-- nobody else's), before and after.
CREATE TEMP TABLE scans_before (n bigint);
SET steam_rec.max_threads = 1;
BEGIN;
INSERT INTO scans_before SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relid = 'steam_rec.user_games'::regclass;
SELECT steam_rec.train('itemknn') > 0 AS trained;
SELECT seq_scan - (SELECT n FROM scans_before) AS user_games_scans
  FROM pg_stat_xact_user_tables WHERE relid = 'steam_rec.user_games'::regclass;
ROLLBACK;
SET steam_rec.max_threads = 2;
BEGIN;
INSERT INTO scans_before SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relid = 'steam_rec.user_games'::regclass;
SELECT steam_rec.train('itemknn') > 0 AS trained;
SELECT seq_scan - (SELECT n FROM scans_before) AS user_games_scans
  FROM pg_stat_xact_user_tables WHERE relid = 'steam_rec.user_games'::regclass;
SELECT players, games, interactions FROM steam_rec.models WHERE active;
ROLLBACK;
RESET steam_rec.max_threads;

-- 2. Over the limit: refused, naming all 3,000 games and 60 players, as the
-- count before the read did; nothing stored.
SET steam_rec.training_memory_limit = '16MB';
SELECT message, hint FROM regress.refusal($$SELECT steam_rec.train('ease')$$);
SELECT count(*) AS models FROM steam_rec.models;
RESET steam_rec.training_memory_limit;

DROP EXTENSION steam_rec;
