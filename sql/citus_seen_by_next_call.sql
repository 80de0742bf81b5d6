-- citus_seen_by_next_call: whether Citus is installed is read from
-- pg_extension in the same pass as the version check, and kept past its
-- transaction only while pg_extension cannot have changed: a citus row
-- committed or deleted between calls, or changed earlier in the same
-- transaction, decides the next call.
-- A hand-made citus row stands in for CREATE EXTENSION citus (which needs the
-- library preloaded); with it, refresh_recommendations() takes the Citus
-- route (no workers here: 0 rows), without it the local one (no model here:
-- refused).
CREATE EXTENSION steam_rec;
SELECT code, message FROM regress.refusal($$SELECT steam_rec.refresh_recommendations(k => 10)$$);

INSERT INTO pg_extension (oid, extname, extowner, extnamespace, extrelocatable, extversion)
  SELECT 999999, 'citus', extowner, extnamespace, false, '11.0' FROM pg_extension WHERE extname = 'plpgsql';
SELECT steam_rec.refresh_recommendations(k => 10) AS citus_route_written;

DELETE FROM pg_extension WHERE extname = 'citus';
SELECT code, message FROM regress.refusal($$SELECT steam_rec.refresh_recommendations(k => 10)$$);

-- In one transaction: the version check of each command reads again.
BEGIN;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served;
INSERT INTO pg_extension (oid, extname, extowner, extnamespace, extrelocatable, extversion)
  SELECT 999999, 'citus', extowner, extnamespace, false, '11.0' FROM pg_extension WHERE extname = 'plpgsql';
SELECT steam_rec.refresh_recommendations(k => 10) AS citus_route_written;
ROLLBACK;
SELECT code, message FROM regress.refusal($$SELECT steam_rec.refresh_recommendations(k => 10)$$);

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
