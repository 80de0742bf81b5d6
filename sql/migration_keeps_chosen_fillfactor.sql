-- 1.6 leaves half of each page of steam_rec.recommendations free so that a
-- refresh rewrites its lists in place; a fillfactor chosen for the table
-- before stays, and going back to 1.5 takes off only the one 1.6 set.
CREATE EXTENSION steam_rec VERSION '1.5';
CREATE TEMP VIEW fillfactor AS
SELECT reloptions FROM pg_catalog.pg_class WHERE oid = 'steam_rec.recommendations'::regclass;

-- Chosen on 1.5: kept through the update and back.
ALTER TABLE steam_rec.recommendations SET (fillfactor = 70);
ALTER EXTENSION steam_rec UPDATE TO '1.6';
SELECT * FROM fillfactor;
ALTER EXTENSION steam_rec UPDATE TO '1.5';
SELECT * FROM fillfactor;

-- None chosen: 1.6 sets 50, 1.5 takes it off.
ALTER TABLE steam_rec.recommendations RESET (fillfactor);
ALTER EXTENSION steam_rec UPDATE TO '1.6';
SELECT * FROM fillfactor;
ALTER EXTENSION steam_rec UPDATE TO '1.5';
SELECT * FROM fillfactor;

-- Chosen on 1.6: kept by 1.5.
ALTER EXTENSION steam_rec UPDATE TO '1.6';
ALTER TABLE steam_rec.recommendations SET (fillfactor = 40);
ALTER EXTENSION steam_rec UPDATE TO '1.5';
SELECT * FROM fillfactor;

DROP VIEW fillfactor;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
