-- recommend() keeps the game names it reads in a per-backend table bounded
-- to about 1.5 MiB.  A name far longer than any store title (catalog_cache
-- takes any text) must still be returned whole, and must not stay in the
-- backend's memory after the call: kept, one 8 MiB name held 16 MiB until
-- the next call, and a name past 512 MiB failed the call.
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();
SELECT steam_rec.train('itemknn') IS NOT NULL AS trained;
SELECT appid AS long_appid FROM steam_rec.recommend(1, k => 1) \gset
UPDATE steam_rec.catalog_cache SET name = repeat('Long', 2 * 1024 * 1024) WHERE appid = :long_appid;
-- The long name is returned whole, and each call reads it again.
SELECT appid = :long_appid AS first, length(name) AS name_length, left(name, 8) AS starts
  FROM steam_rec.recommend(1, k => 1);
SELECT length(name) AS name_length_again FROM steam_rec.recommend(1, k => 1);
-- What the kept names hold after the calls stays small (with the names
-- served from the shared names file nothing is kept at all).
SELECT coalesce(sum(total_bytes), 0) < 2 * 1024 * 1024 AS kept_names_small
  FROM pg_backend_memory_contexts WHERE name = 'steam_rec catalog names';
-- The short names around it are still kept and right.
SELECT string_agg(appid || ' ' || coalesce(left(name, 12), '-'), '; ' ORDER BY rank) AS names
  FROM steam_rec.recommend(1, k => 3);
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec CASCADE;
