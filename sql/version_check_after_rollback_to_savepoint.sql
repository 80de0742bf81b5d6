-- version_check_after_rollback_to_savepoint: the version check is done once
-- per command of a transaction, but a ROLLBACK TO SAVEPOINT can bring back
-- another SQL version without a new command: a version checked inside the
-- savepoint is not trusted after it is rolled back.
CREATE EXTENSION steam_rec;
UPDATE pg_extension SET extversion = '9.9' WHERE extname = 'steam_rec';
SELECT code, message FROM regress.refusal($$SELECT steam_rec.boundary_selftest('none')$$);

-- Inside the savepoint the SQL matches the library and is served; rolled
-- back, the committed 9.9 is refused again, by a direct call and from an
-- exception block.
BEGIN;
SAVEPOINT matching;
UPDATE pg_extension SET extversion = '1.6' WHERE extname = 'steam_rec';
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served_in_savepoint;
ROLLBACK TO SAVEPOINT matching;
SELECT extversion FROM pg_extension WHERE extname = 'steam_rec';
SELECT code, message FROM regress.refusal($$SELECT steam_rec.boundary_selftest('none')$$);
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS refused;
ROLLBACK;

UPDATE pg_extension SET extversion = '1.6' WHERE extname = 'steam_rec';
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served_again;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
