-- A backend keeps the OIDs of the tables and indexes recommend() reads
-- between calls.  Whatever happens to them between two calls (an index
-- dropped, renamed or replaced by one under the same name, the schema
-- renamed), the next call resolves every name as a fresh lookup would.
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();
SELECT steam_rec.train('itemknn') IS NOT NULL AS trained;
\set list 'SELECT string_agg(appid::text, \' \' ORDER BY rank) AS list FROM steam_rec.recommend(1, k => 5)'
\set scans 'pg_stat_get_xact_numscans(\'steam_rec.user_games_user_steam_id_appid_key\'::regclass)'
:list;
-- The covering index dropped: the player's games come from the unique key.
BEGIN;
DROP INDEX steam_rec.user_games_player_games;
SELECT :scans AS before \gset
:list;
SELECT :scans - :before AS key_reads;
ROLLBACK;
-- Renamed away, and a table made under its name: not read as an index.
BEGIN;
ALTER INDEX steam_rec.user_games_player_games RENAME TO moved_player_games;
CREATE TABLE steam_rec.user_games_player_games (x int);
SELECT :scans AS before \gset
:list;
SELECT :scans - :before AS key_reads;
ROLLBACK;
-- Dropped by another transaction that committed between two calls.
DROP INDEX steam_rec.user_games_player_games;
:list;
CREATE INDEX user_games_player_games ON steam_rec.user_games (user_steam_id, appid) INCLUDE (engagement_score);
:list;
-- The active model's index replaced by one of the same name.
DROP INDEX steam_rec.models_one_active;
CREATE UNIQUE INDEX models_one_active ON steam_rec.models (active) WHERE active;
:list;
-- The schema renamed: steam_rec.models no longer names the table.
BEGIN;
ALTER SCHEMA steam_rec RENAME TO steam_rec_moved;
SELECT * FROM regress.refusal($$SELECT count(*) FROM steam_rec_moved.recommend(1, k => 5)$$);
ROLLBACK;
:list;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
