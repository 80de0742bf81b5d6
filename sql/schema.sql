-- The schema steam_rec creates: tables, columns, keys, checks, indexes,
-- dump marks, members, privileges, and the cascades between tables.
CREATE EXTENSION steam_rec;

SELECT extversion, extrelocatable, extnamespace::regnamespace
  FROM pg_extension WHERE extname = 'steam_rec';

-- The library is the one built for the default version.
SELECT steam_rec.version() = default_version AS library_matches_control
  FROM pg_available_extensions WHERE name = 'steam_rec';

SELECT table_name, column_name, data_type, character_maximum_length AS max_len,
       is_nullable, column_default, is_identity
  FROM information_schema.columns
 WHERE table_schema = 'steam_rec'
 ORDER BY table_name, ordinal_position;

SELECT conrelid::regclass AS table_name, conname, contype, pg_get_constraintdef(oid) AS definition
  FROM pg_constraint
 WHERE connamespace = 'steam_rec'::regnamespace
 ORDER BY 1, 2;

SELECT tablename, indexname, indexdef
  FROM pg_indexes WHERE schemaname = 'steam_rec'
 ORDER BY 1, 2;

-- Every table and sequence holding user data is marked, so pg_dump keeps it.
SELECT c::regclass AS marked_for_dump
  FROM pg_extension, unnest(extconfig) AS c
 WHERE extname = 'steam_rec'
 ORDER BY 1::text;

SELECT pg_describe_object(classid, objid, 0) AS member
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'steam_rec')
 ORDER BY 1;

-- Reading functions are open to everyone; diagnostics are not.
SELECT p.proname, p.provolatile, p.proparallel, p.proisstrict,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_can_execute
  FROM pg_proc AS p
 WHERE p.pronamespace = 'steam_rec'::regnamespace
 ORDER BY 1;

-- Deleting a player deletes their games and their recommendations.
INSERT INTO steam_rec.users (steam_id, username) VALUES (76561197960265729, 'gabe'), (76561197960265730, 'erik');
INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (10, 'Counter-Strike'), (620, 'Portal 2');
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
VALUES (76561197960265729, 10, 12.5), (76561197960265729, 620, 0), (76561197960265730, 620, 3);
INSERT INTO steam_rec.recommendations (user_steam_id, appid, rank, score, algorithm)
VALUES (76561197960265729, 400, 1, 0.9, 'popularity'), (76561197960265730, 10, 1, 0.8, 'popularity');
INSERT INTO steam_rec.game_tags (appid, tag_name, position) VALUES (620, 'Puzzle', 1), (620, 'Co-op', 2);

-- Defaults: created_at and updated_at are filled, ids come from the identity.
SELECT count(*) FILTER (WHERE created_at IS NOT NULL) AS users_with_created_at FROM steam_rec.users;
SELECT count(*) FILTER (WHERE updated_at IS NOT NULL) AS games_with_updated_at FROM steam_rec.catalog_cache;
SELECT id, user_steam_id, appid FROM steam_rec.user_games ORDER BY id;

DELETE FROM steam_rec.users WHERE steam_id = 76561197960265729;
SELECT user_steam_id, appid FROM steam_rec.user_games ORDER BY 1, 2;
SELECT user_steam_id, appid FROM steam_rec.recommendations ORDER BY 1, 2;

-- Deleting a game from the catalog deletes its tags, not the players' games.
DELETE FROM steam_rec.catalog_cache WHERE appid = 620;
SELECT count(*) AS tags_left FROM steam_rec.game_tags;
SELECT user_steam_id, appid FROM steam_rec.user_games ORDER BY 1, 2;

-- DROP EXTENSION removes every object it created.  The schema itself stays,
-- empty: CREATE EXTENSION made it, but PostgreSQL does not make it a member.
DROP EXTENSION steam_rec;
SELECT count(*) AS objects_left FROM pg_class WHERE relnamespace = 'steam_rec'::regnamespace;
SELECT count(*) AS functions_left FROM pg_proc WHERE pronamespace = 'steam_rec'::regnamespace;
