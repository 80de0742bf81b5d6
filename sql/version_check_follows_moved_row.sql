-- version_check_follows_moved_row: the version check reads steam_rec's row of
-- pg_extension at every command, under the catalog snapshot (it once fetched
-- the row from where it lay at the last check).  A version committed between
-- calls (a new row version elsewhere), rows moved by VACUUM FULL, or an
-- uncommitted change in the same transaction are all seen by the next call.
CREATE EXTENSION steam_rec;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served;

-- A committed newer version is refused by the next call, the old row's
-- address notwithstanding; setting it back serves again.
UPDATE pg_extension SET extversion = '9.9' WHERE extname = 'steam_rec';
SELECT code, message FROM regress.refusal($$SELECT steam_rec.boundary_selftest('none')$$);
UPDATE pg_extension SET extversion = '1.6' WHERE extname = 'steam_rec';
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served_again;

-- VACUUM FULL rewrites pg_extension: the rows move to another file.
VACUUM FULL pg_catalog.pg_extension;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served_after_rewrite;
UPDATE pg_extension SET extversion = '9.9' WHERE extname = 'steam_rec';
VACUUM FULL pg_catalog.pg_extension;
SELECT code, message FROM regress.refusal($$SELECT steam_rec.boundary_selftest('none')$$);
UPDATE pg_extension SET extversion = '1.6' WHERE extname = 'steam_rec';
VACUUM pg_catalog.pg_extension;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served_after_vacuum;

-- In one transaction: its own uncommitted change is seen, and undone by
-- ROLLBACK.
BEGIN;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served_in_transaction;
UPDATE pg_extension SET extversion = '9.9' WHERE extname = 'steam_rec';
SELECT code, message FROM regress.refusal($$SELECT steam_rec.boundary_selftest('none')$$);
ROLLBACK;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served_after_rollback;

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
