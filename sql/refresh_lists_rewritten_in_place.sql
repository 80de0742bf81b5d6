-- refresh_recommendations() rewrites the lists in place where the fillfactor
-- of steam_rec.recommendations leaves room on its pages (at most 50): a row
-- whose player keeps the game is updated on its own page, with no new index
-- entry (a HOT update), instead of being deleted and inserted again; rows of
-- games that left a list are deleted, rows of new ones inserted.  The lists
-- are those the DELETE and the insert write at the heap's default fillfactor.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 12) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 40) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 29 FROM generate_series(1, 40) AS p, generate_series(1, 12) AS g
 WHERE (g % 2 = p % 2 AND (p + g) % 3 <> 0) OR (p * 5 + g) % 11 = 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;
SELECT steam_rec.train('itemknn') > 0 AS trained;

CREATE TEMP VIEW list_hash AS
SELECT count(*) AS rows,
       md5(string_agg(format('%s %s %s %s %s', user_steam_id, appid, rank, score, algorithm), ';'
                      ORDER BY user_steam_id, appid)) AS lists
  FROM steam_rec.recommendations;
-- The transaction's row counts (exact within a transaction block) since mark_written().
CREATE TEMP VIEW counts AS
SELECT n_tup_ins AS inserted, n_tup_upd AS updated, n_tup_hot_upd AS updated_on_page, n_tup_del AS deleted
  FROM pg_stat_xact_user_tables WHERE relid = 'steam_rec.recommendations'::regclass;
CREATE TEMP TABLE mark AS SELECT * FROM counts;
CREATE FUNCTION pg_temp.mark_written() RETURNS void LANGUAGE sql AS
$$DELETE FROM mark; INSERT INTO mark SELECT * FROM counts$$;
CREATE TEMP VIEW written AS
SELECT c.inserted - m.inserted AS inserted, c.updated - m.updated AS updated,
       c.updated_on_page - m.updated_on_page AS updated_on_page, c.deleted - m.deleted AS deleted
  FROM counts AS c, mark AS m;
CREATE TEMP TABLE hashes (k int, fillfactor int, rows bigint, lists text);
-- VACUUM frees a page's old row versions only when no other session's
-- snapshot may still see them, and an autovacuum ANALYZE in this database
-- holds one for a moment: kept, they left no room for updates on the page.
-- Waits (up to 10 s) until no other session of the database holds one.
CREATE FUNCTION pg_temp.wait_for_other_snapshots() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..100 LOOP
        PERFORM pg_stat_clear_snapshot();
        EXIT WHEN NOT EXISTS (SELECT FROM pg_stat_activity
                               WHERE datname = current_database() AND pid <> pg_backend_pid()
                                 AND backend_xmin IS NOT NULL);
        PERFORM pg_sleep(0.1);
    END LOOP;
END
$$;

-- The extension leaves half of each page free (1.6).
SELECT reloptions FROM pg_catalog.pg_class WHERE oid = 'steam_rec.recommendations'::regclass;
-- At the heap's default fillfactor (100, 1.5's) the lists are deleted and inserted.
ALTER TABLE steam_rec.recommendations SET (fillfactor = 100);
SELECT steam_rec.refresh_recommendations(k => 4) AS written;
BEGIN;
SELECT pg_temp.mark_written();
SELECT steam_rec.refresh_recommendations(k => 4) AS written;
SELECT * FROM written;
COMMIT;
INSERT INTO hashes SELECT 4, 100, * FROM list_hash;
BEGIN;
SELECT pg_temp.mark_written();
SELECT steam_rec.refresh_recommendations(k => 2) AS written;
INSERT INTO hashes SELECT 2, 100, * FROM list_hash;
SELECT steam_rec.refresh_recommendations(k => 5) AS written;
INSERT INTO hashes SELECT 5, 100, * FROM list_hash;
ROLLBACK;

-- With room on every page (the installed fillfactor): the same lists, every
-- kept row updated on its page.
ALTER TABLE steam_rec.recommendations SET (fillfactor = 50);
SELECT pg_temp.wait_for_other_snapshots();
VACUUM FULL steam_rec.recommendations;
BEGIN;
SELECT pg_temp.mark_written();
SELECT steam_rec.refresh_recommendations(k => 4) AS written;
SELECT * FROM written;
COMMIT;
INSERT INTO hashes SELECT 4, 50, * FROM list_hash;
-- Shorter lists: the rows past the new end are deleted.
BEGIN;
SELECT pg_temp.mark_written();
SELECT steam_rec.refresh_recommendations(k => 2) AS written;
SELECT * FROM written;
COMMIT;
INSERT INTO hashes SELECT 2, 50, * FROM list_hash;
-- Longer lists: the new games' rows are inserted.
SELECT pg_temp.wait_for_other_snapshots();
VACUUM steam_rec.recommendations;
BEGIN;
SELECT pg_temp.mark_written();
SELECT steam_rec.refresh_recommendations(k => 5) AS written;
SELECT * FROM written;
COMMIT;
INSERT INTO hashes SELECT 5, 50, * FROM list_hash;
SELECT k, count(DISTINCT lists) AS different_lists, min(rows) = max(rows) AS same_rows
  FROM hashes GROUP BY k ORDER BY k;

-- A player deleted since its list was written: its rows go with it (ON
-- DELETE CASCADE), and the refresh writes the others.
DELETE FROM steam_rec.users WHERE steam_id = 7;
SELECT steam_rec.refresh_recommendations(k => 5) AS written;
SELECT count(*) FILTER (WHERE user_steam_id = 7) AS rows_of_player_7, count(*) AS rows FROM steam_rec.recommendations;

DROP VIEW list_hash, written, counts;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
