-- The C/C++ boundary: every kind of failure inside C++ becomes a clean SQL
-- error, cancellation works, and SQL/library skew is refused with a hint.
CREATE EXTENSION steam_rec;

SELECT steam_rec.version() ~ '^[0-9]+\.[0-9]+$' AS version_is_dotted;

-- Success does real work in Eigen: sum of the solution of a 3x3 system, 16/9.
SELECT round(steam_rec.boundary_selftest()::numeric, 12) AS checksum;

SELECT * FROM regress.refusal($$SELECT steam_rec.boundary_selftest('invalid_argument')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.boundary_selftest('bad_alloc')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.boundary_selftest('std_exception')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.boundary_selftest('unknown')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.boundary_selftest('glue_pg_error')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.boundary_selftest('glue_sql_error')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.boundary_selftest('no such fault')$$);
-- A long fault name is quoted cut, as every message quotes a value.
SELECT code, length(message) AS message_length, message LIKE '%..."' AS cut FROM regress.refusal($$SELECT steam_rec.boundary_selftest(repeat('x', 1000000))$$);
SELECT steam_rec.boundary_selftest(NULL) IS NULL AS strict_on_null;

-- A statement timeout stops a C++ loop through the cancel check.
SET statement_timeout = '200ms';
SELECT steam_rec.boundary_selftest('spin_until_cancel');
RESET statement_timeout;

-- After all of that, the same backend still works.
SELECT round(steam_rec.boundary_selftest('none')::numeric, 12) AS still_alive;

-- The SQL at 1.0 under the newest library: served, as every C symbol keeps
-- the behaviour of the SQL that declares it (a downgraded database works).
DROP EXTENSION steam_rec;
CREATE EXTENSION steam_rec VERSION '1.0';
SELECT steam_rec.version();
SELECT round(steam_rec.boundary_selftest('none')::numeric, 12) AS served_at_1_0;
ALTER EXTENSION steam_rec UPDATE;
SELECT round(steam_rec.boundary_selftest('none')::numeric, 12) AS works_after_update;

-- SQL newer than the library (a package downgraded under a database) is
-- refused with the command that fixes it; version() still answers.
BEGIN;
UPDATE pg_extension SET extversion = '9.9' WHERE extname = 'steam_rec';
SELECT steam_rec.version();
SELECT * FROM regress.refusal($$SELECT steam_rec.boundary_selftest('none')$$);
ROLLBACK;

DROP EXTENSION steam_rec;
