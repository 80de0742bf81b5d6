-- A refresh rewrites lists in place only where that ends as the DELETE and
-- the insert end; elsewhere it deletes and inserts at any fillfactor:
-- - a unique index besides the primary key (a rank per player): an update
--   is checked against rows of the list not yet rewritten, a rank two of
--   them swap fails (23505), where the DELETE first removes them all;
-- - a table inheriting from recommendations: the DELETE removes its rows
--   of the players too;
-- - a publication of the table: it must see the DELETE and the INSERT it
--   would see through SQL, whose DELETE it may refuse (no replica identity,
--   a column list short of it).
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 12) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 40) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 29 FROM generate_series(1, 40) AS p, generate_series(1, 12) AS g
 WHERE (g % 2 = p % 2 AND (p + g) % 3 <> 0) OR (p * 5 + g) % 11 = 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;
SELECT steam_rec.train('itemknn') > 0 AS trained;
SELECT reloptions FROM pg_catalog.pg_class WHERE oid = 'steam_rec.recommendations'::regclass;
SELECT steam_rec.refresh_recommendations(k => 4) AS written;
CREATE TEMP TABLE refreshed AS SELECT * FROM steam_rec.recommendations;

CREATE TEMP VIEW list_hash AS
SELECT count(*) AS rows,
       md5(string_agg(format('%s %s %s %s %s', user_steam_id, appid, rank, score, algorithm), ';'
                      ORDER BY user_steam_id, appid)) AS lists
  FROM steam_rec.recommendations;
CREATE TEMP TABLE expected AS SELECT * FROM list_hash;
-- The transaction's row counts (exact within a transaction block) since mark_written().
CREATE TEMP VIEW counts AS
SELECT n_tup_ins AS inserted, n_tup_upd AS updated, n_tup_del AS deleted
  FROM pg_stat_xact_user_tables WHERE relid = 'steam_rec.recommendations'::regclass;
CREATE TEMP TABLE mark AS SELECT * FROM counts;
CREATE FUNCTION pg_temp.mark_written() RETURNS void LANGUAGE sql AS
$$DELETE FROM mark; INSERT INTO mark SELECT * FROM counts$$;
CREATE TEMP VIEW written AS
SELECT c.inserted - m.inserted AS inserted, c.updated - m.updated AS updated, c.deleted - m.deleted AS deleted
  FROM counts AS c, mark AS m;
-- Puts the refreshed lists back with each list's ranks reversed.
CREATE FUNCTION pg_temp.reverse_ranks() RETURNS void LANGUAGE sql AS $$
DELETE FROM steam_rec.recommendations;
INSERT INTO steam_rec.recommendations (user_steam_id, appid, rank, score, algorithm)
SELECT user_steam_id, appid, 5 - rank, score, algorithm FROM refreshed$$;

-- The rank is unique per player: the refresh puts every rank back.
CREATE UNIQUE INDEX recommendations_player_rank ON steam_rec.recommendations (user_steam_id, rank);
SELECT pg_temp.reverse_ranks();
VACUUM FULL steam_rec.recommendations;
SELECT steam_rec.refresh_recommendations(k => 4) AS written;
SELECT l = e AS same_lists FROM list_hash AS l, expected AS e;
DROP INDEX steam_rec.recommendations_player_rank;

-- A publication of every change, and no replica identity: the DELETE is
-- refused, so is the refresh.
SET client_min_messages = error;  -- no warning about wal_level
CREATE PUBLICATION recommendations_published FOR TABLE steam_rec.recommendations;
RESET client_min_messages;
ALTER TABLE steam_rec.recommendations REPLICA IDENTITY NOTHING;
SELECT code, message FROM regress.refusal('SELECT steam_rec.refresh_recommendations(k => 4)');
ALTER TABLE steam_rec.recommendations REPLICA IDENTITY DEFAULT;
-- A column list that leaves out part of the replica identity: likewise.
ALTER PUBLICATION recommendations_published SET TABLE steam_rec.recommendations (user_steam_id, rank);
SELECT code, message FROM regress.refusal('SELECT steam_rec.refresh_recommendations(k => 4)');
ALTER PUBLICATION recommendations_published SET TABLE steam_rec.recommendations;
-- A publication of inserts and deletes only: it sees the lists deleted and
-- inserted, with no update it would leave out.
ALTER PUBLICATION recommendations_published SET (publish = 'insert, delete');
BEGIN;
SELECT pg_temp.mark_written();
SELECT steam_rec.refresh_recommendations(k => 4) AS written;
SELECT * FROM written;
COMMIT;
-- A publication of every change, with the primary key as replica identity:
-- the lists are rewritten in place.
ALTER PUBLICATION recommendations_published SET (publish = 'insert, update, delete');
BEGIN;
SELECT pg_temp.mark_written();
SELECT steam_rec.refresh_recommendations(k => 4) AS written;
SELECT * FROM written;
COMMIT;
DROP PUBLICATION recommendations_published;
SELECT l = e AS same_lists FROM list_hash AS l, expected AS e;

-- A table inherits from recommendations: the refresh deletes its rows of
-- the players, as DELETE FROM steam_rec.recommendations does (last here: the
-- table is taken for a parent until ANALYZE after its last child goes).
CREATE TABLE regress.archived_recommendations () INHERITS (steam_rec.recommendations);
INSERT INTO regress.archived_recommendations (user_steam_id, appid, rank, score, algorithm)
VALUES (1, 12, 1, 9, 'archived'), (2, 12, 1, 9, 'archived');
SELECT steam_rec.refresh_recommendations(steam_id => 1, k => 4) AS written;
SELECT user_steam_id, count(*) AS rows, count(*) FILTER (WHERE algorithm = 'archived') AS archived
  FROM steam_rec.recommendations WHERE user_steam_id IN (1, 2) GROUP BY 1 ORDER BY 1;
DROP TABLE regress.archived_recommendations;

DROP VIEW list_hash, written, counts;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
