-- train() reads user_games and game_tags by one heap scan each where a heap
-- scan reads what SQL would: the memory estimate counts the rows, distinct
-- games and tag entries while they are read, instead of scanning the tables
-- once more before.  The counts the
-- model records, and a refusal over steam_rec.training_memory_limit (raised
-- while reading, naming the whole table's sizes), are what they were.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 60) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p + g) % 9 FROM generate_series(1, 50) AS p, generate_series(1, 3000) AS g
 WHERE (p * 31 + g * 17) % 7 = 0 OR g % 50 = p
 ORDER BY (p * 7919 + g * 104729) % 1000003;
SELECT count(*) AS rows, count(DISTINCT appid) AS games FROM steam_rec.user_games;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT g, 'tag_' || t, t FROM generate_series(1, 3000) AS g, generate_series(1, 3) AS t WHERE g % 4 <> 0;

-- 1. One sequential scan of user_games and one of game_tags per training, on
-- 1 and 2 threads: the scans this backend counted in the transaction (not
-- yet reported, so nobody else's), before and after.
CREATE TEMP TABLE scans_before (relid oid, n bigint);
SET steam_rec.max_threads = 1;
BEGIN;
INSERT INTO scans_before SELECT relid, seq_scan FROM pg_stat_xact_user_tables
 WHERE relid IN ('steam_rec.user_games'::regclass, 'steam_rec.game_tags'::regclass);
SELECT steam_rec.train('itemknn') > 0 AS trained;
SELECT s.relname, s.seq_scan - b.n AS scans
  FROM pg_stat_xact_user_tables AS s JOIN scans_before AS b USING (relid) ORDER BY s.relname;
ROLLBACK;
SET steam_rec.max_threads = 2;
BEGIN;
INSERT INTO scans_before SELECT relid, seq_scan FROM pg_stat_xact_user_tables
 WHERE relid IN ('steam_rec.user_games'::regclass, 'steam_rec.game_tags'::regclass);
SELECT steam_rec.train('itemknn') > 0 AS trained;
SELECT s.relname, s.seq_scan - b.n AS scans
  FROM pg_stat_xact_user_tables AS s JOIN scans_before AS b USING (relid) ORDER BY s.relname;
SELECT players, games, interactions FROM steam_rec.models WHERE active;
ROLLBACK;
RESET steam_rec.max_threads;

-- 2. Over the limit: refused, naming all 3,000 games, 60 players and the tag
-- entries, as the count before the read did; nothing stored.
SET steam_rec.training_memory_limit = '16MB';
SELECT message, hint FROM regress.refusal($$SELECT steam_rec.train('ease')$$);
SELECT count(*) AS models FROM steam_rec.models;
RESET steam_rec.training_memory_limit;

DROP EXTENSION steam_rec;
