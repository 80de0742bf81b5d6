-- recommend() names games from steam_rec.catalog_cache, and a backend
-- remembers where each game's row lies to skip the index next time.  Whatever
-- happens to the rows between calls (renamed, a rename rolled back, deleted,
-- vacuumed so that other games' rows take their slots, the table rewritten or
-- truncated), every call names the games as the caller's snapshot sees them.
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();
SELECT steam_rec.train('itemknn') IS NOT NULL AS trained;
\set names 'SELECT string_agg(appid || \' \' || coalesce(name, \'-\') || \': \' || reason, \'; \' ORDER BY rank) AS names FROM steam_rec.recommend(1, k => 3)'
:names;

UPDATE steam_rec.catalog_cache SET name = 'Renamed ' || appid WHERE appid <= 10;
:names;

BEGIN;
UPDATE steam_rec.catalog_cache SET name = 'Uncommitted ' || appid WHERE appid <= 10;
:names;
ROLLBACK;
:names;

-- Between two calls, games are deleted, VACUUM frees their rows' slots, and
-- the rows inserted next (in the reverse order) take them: the slot of game
-- 2 now holds game 10.
DELETE FROM steam_rec.catalog_cache WHERE appid <= 10 AND appid % 2 = 0;
VACUUM steam_rec.catalog_cache;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Back ' || g FROM generate_series(10, 2, -2) AS g;
:names;
-- A deleted game loses its name.
DELETE FROM steam_rec.catalog_cache WHERE appid = 9;
:names;
INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (9, 'Back 9');
UPDATE steam_rec.catalog_cache SET name = 'Moved ' || appid WHERE appid <= 10;
VACUUM steam_rec.catalog_cache;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Filler ' || g FROM generate_series(1001, 1040) AS g;
:names;

VACUUM FULL steam_rec.catalog_cache;
:names;

BEGIN;
TRUNCATE steam_rec.catalog_cache, steam_rec.game_tags;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Again ' || g FROM generate_series(20, 1, -1) AS g;
:names;
ROLLBACK;
:names;

DROP EXTENSION steam_rec;
