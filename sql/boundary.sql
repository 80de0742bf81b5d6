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
SELECT steam_rec.boundary_selftest(NULL) IS NULL AS strict_on_null;

-- A statement timeout stops a C++ loop through the cancel check.
SET statement_timeout = '200ms';
SELECT steam_rec.boundary_selftest('spin_until_cancel');
RESET statement_timeout;

-- After all of that, the same backend still works.
SELECT round(steam_rec.boundary_selftest('none')::numeric, 12) AS still_alive;

-- The SQL at 1.0 under a 1.1 library: refused with the command that fixes it;
-- version() still answers, so the skew can be diagnosed.
DROP EXTENSION steam_rec;
CREATE EXTENSION steam_rec VERSION '1.0';
SELECT steam_rec.version();
SELECT * FROM regress.refusal($$SELECT steam_rec.boundary_selftest('none')$$);
ALTER EXTENSION steam_rec UPDATE;
SELECT round(steam_rec.boundary_selftest('none')::numeric, 12) AS works_after_update;

DROP EXTENSION steam_rec;
