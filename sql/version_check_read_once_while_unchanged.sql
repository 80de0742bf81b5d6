-- version_check_read_once_while_unchanged: a version check read by a
-- transaction that changed nothing stands for later transactions while no
-- transaction with an xid has ended and the caller's has none, so a call per
-- transaction does not read pg_extension each time.  A transaction's own
-- change, with nothing ended elsewhere, is still seen by its next call.
CREATE EXTENSION steam_rec;

-- Ten calls, each its own transaction that changes nothing, read pg_extension
-- once: the first (CREATE EXTENSION ended a transaction since any read).  A
-- transaction ending elsewhere meanwhile (autovacuum's ANALYZE) may cost one
-- more; a read per call would be ten.
SELECT pg_stat_force_next_flush();
SELECT seq_scan AS reads_before FROM pg_stat_sys_tables WHERE relid = 'pg_catalog.pg_extension'::regclass \gset
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served;
BEGIN;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served_in_transaction;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served_by_next_statement;
COMMIT;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served;
SELECT pg_stat_force_next_flush();
SELECT seq_scan - :reads_before BETWEEN 1 AND 2 AS read_once_or_twice
  FROM pg_stat_sys_tables WHERE relid = 'pg_catalog.pg_extension'::regclass;

-- The transaction's own newer version, with no transaction ended since the
-- last read, is refused by its next call; rolled back, the call is served.
BEGIN;
UPDATE pg_extension SET extversion = '9.9' WHERE extname = 'steam_rec';
SELECT code, message FROM regress.refusal($$SELECT steam_rec.boundary_selftest('none')$$);
ROLLBACK;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served_after_rollback;

-- Its own citus row decides its next call's route the same way.
SELECT code, message FROM regress.refusal($$SELECT steam_rec.refresh_recommendations(k => 10)$$);
BEGIN;
INSERT INTO pg_extension (oid, extname, extowner, extnamespace, extrelocatable, extversion)
  SELECT 999999, 'citus', extowner, extnamespace, false, '11.0' FROM pg_extension WHERE extname = 'plpgsql';
SELECT steam_rec.refresh_recommendations(k => 10) AS citus_route_written;
ROLLBACK;
SELECT code, message FROM regress.refusal($$SELECT steam_rec.refresh_recommendations(k => 10)$$);

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
