-- recommend() keeps the game names it has read, per backend, together with
-- the count in steam_rec.catalog_changes its snapshot saw; while a call sees
-- the same count it names games without reading catalog_cache.  Every kind
-- of statement that writes catalog_cache bumps the count, so the next call
-- reads the names again (recommend_names_follow_catalog_changes checks the
-- names themselves).
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();
SELECT steam_rec.train('itemknn') IS NOT NULL AS trained;
\set names 'SELECT string_agg(appid || \' \' || coalesce(name, \'-\') || \': \' || reason, \'; \' ORDER BY rank) AS names FROM steam_rec.recommend(1, k => 3)'
-- Blocks of catalog_cache and its index a call reads, in this transaction.
CREATE FUNCTION pg_temp.catalog_blocks() RETURNS bigint LANGUAGE sql AS $$
  SELECT pg_catalog.pg_stat_get_xact_blocks_fetched('steam_rec.catalog_cache'::regclass)
       + pg_catalog.pg_stat_get_xact_blocks_fetched('steam_rec.catalog_cache_pkey'::regclass) $$;
:names;

-- A second call with the same count reads no catalog block.
BEGIN;
SELECT pg_temp.catalog_blocks() AS before \gset
:names;
SELECT pg_temp.catalog_blocks() - :before AS catalog_blocks_read;
COMMIT;

-- Each kind of write bumps the count once per statement, an upsert once per
-- action (INSERT and UPDATE), and the next call reads the names again.
SELECT changes AS start FROM steam_rec.catalog_changes \gset
UPDATE steam_rec.catalog_cache SET name = 'Renamed ' || appid WHERE appid <= 10;
INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (30, 'Thirty');
INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (30, 'Thirty again')
    ON CONFLICT (appid) DO UPDATE SET name = excluded.name;
DELETE FROM steam_rec.catalog_cache WHERE appid = 30;
COPY steam_rec.catalog_cache (appid, name) FROM stdin;
31	Thirty-one
\.
BEGIN;
TRUNCATE steam_rec.catalog_cache, steam_rec.game_tags;
ROLLBACK;
SELECT changes - :start AS bumped FROM steam_rec.catalog_changes;
BEGIN;
SELECT pg_temp.catalog_blocks() AS before \gset
:names;
SELECT pg_temp.catalog_blocks() - :before > 0 AS read_again;
SELECT pg_temp.catalog_blocks() AS before \gset
:names;
SELECT pg_temp.catalog_blocks() - :before AS catalog_blocks_read;
COMMIT;

-- A transaction that wrote the catalog reads its own names every call.
BEGIN;
UPDATE steam_rec.catalog_cache SET name = 'Mine ' || appid WHERE appid <= 10;
:names;
SELECT pg_temp.catalog_blocks() AS before \gset
:names;
SELECT pg_temp.catalog_blocks() - :before > 0 AS read_again;
ROLLBACK;
:names;

-- A catalog role without any right on catalog_changes bumps it too.
CREATE ROLE regress_names_writer NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec TO regress_names_writer;
GRANT UPDATE, SELECT ON steam_rec.catalog_cache TO regress_names_writer;
SELECT changes AS start FROM steam_rec.catalog_changes \gset
SET ROLE regress_names_writer;
UPDATE steam_rec.catalog_cache SET name = 'By the role ' || appid WHERE appid <= 10;
RESET ROLE;
SELECT changes - :start AS bumped FROM steam_rec.catalog_changes;
:names;

-- With the counting trigger disabled (or dropped, as distribute() does on
-- Citus) the count says nothing: a rename it misses is still seen.
ALTER TABLE steam_rec.catalog_cache DISABLE TRIGGER catalog_cache_count_changes;
UPDATE steam_rec.catalog_cache SET name = 'Uncounted ' || appid WHERE appid <= 10;
:names;
ALTER TABLE steam_rec.catalog_cache ENABLE ALWAYS TRIGGER catalog_cache_count_changes;
-- Nor when it was disabled and enabled again around the write, or when a
-- rewrite of the table changed the names without any row trigger.
:names;
BEGIN;
ALTER TABLE steam_rec.catalog_cache DISABLE TRIGGER catalog_cache_count_changes;
UPDATE steam_rec.catalog_cache SET name = 'Loaded ' || appid WHERE appid <= 10;
ALTER TABLE steam_rec.catalog_cache ENABLE ALWAYS TRIGGER catalog_cache_count_changes;
COMMIT;
:names;
ALTER TABLE steam_rec.catalog_cache ALTER COLUMN name TYPE text USING 'Rewritten ' || appid;
:names;

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
DROP OWNED BY regress_names_writer;
DROP ROLE regress_names_writer;
