-- The DROP guard also sees steam_rec dropped as a dependent of something
-- else: DROP EXTENSION plpgsql CASCADE (steam_rec's functions are written in
-- it) and DROP SCHEMA ... CASCADE of a schema a member was moved to drop the
-- extension and every row.  Refused while the tables hold rows, allowed with
-- steam_rec.allow_drop; drops that do not reach steam_rec, and those the
-- server refuses itself, are not affected.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'one');
SET steam_rec.allow_drop = off;
CREATE ROLE regress_cascade_stranger NOLOGIN;
GRANT USAGE ON SCHEMA regress TO regress_cascade_stranger;

-- 1. Refused: another extension's CASCADE, and a schema holding a member.
SELECT code, message, detail FROM regress.refusal($$DROP EXTENSION plpgsql CASCADE$$);
SELECT code, message FROM regress.refusal($q$DO $do$ BEGIN EXECUTE 'DROP EXTENSION plpgsql CASCADE'; END $do$ $q$);
CREATE SCHEMA regress_moved;
ALTER TABLE steam_rec.game_tags SET SCHEMA regress_moved;
SELECT code, message FROM regress.refusal($$DROP SCHEMA regress_moved CASCADE$$);
-- The rows that count are those of every member table, wherever it was
-- moved: here the moved table is the only one holding rows.
ALTER TABLE regress_moved.game_tags SET SCHEMA steam_rec;
DELETE FROM steam_rec.users;
ALTER TABLE steam_rec.catalog_cache SET SCHEMA regress_moved;
INSERT INTO regress_moved.catalog_cache (appid, name) VALUES (10, 'Ten');
SELECT code, message, detail FROM regress.refusal($$DROP SCHEMA regress_moved CASCADE$$);
DELETE FROM regress_moved.catalog_cache;
ALTER TABLE regress_moved.catalog_cache SET SCHEMA steam_rec;
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'one');
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'steam_rec';

-- 2. The server's own refusals stand: a member named itself, a language
-- another extension owns, a caller who does not own what it drops.
SELECT code, message FROM regress.refusal($$DROP FUNCTION steam_rec.version() CASCADE$$);
SELECT code, message FROM regress.refusal($$DROP LANGUAGE plpgsql CASCADE$$);
SET ROLE regress_cascade_stranger;
SELECT code, message FROM regress.refusal($$DROP EXTENSION plpgsql CASCADE$$);
RESET ROLE;

-- 3. Drops that do not reach steam_rec go through, CASCADE or not.
CREATE FUNCTION regress_moved.helper() RETURNS integer LANGUAGE sql AS 'SELECT 1';
CREATE VIEW regress_moved.uses_helper AS SELECT regress_moved.helper() AS one;
CREATE TABLE regress_moved.kept (x integer);
DROP FUNCTION regress_moved.helper() CASCADE;
DROP TABLE IF EXISTS regress_moved.kept, regress_moved.no_such_table;
DROP SCHEMA regress_moved CASCADE;

-- 4. Allowed with steam_rec.allow_drop.
BEGIN;
SET LOCAL steam_rec.allow_drop = on;
DROP EXTENSION plpgsql CASCADE;
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'steam_rec';
ROLLBACK;
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'steam_rec';

RESET steam_rec.allow_drop;
DROP EXTENSION steam_rec;
REVOKE USAGE ON SCHEMA regress FROM regress_cascade_stranger;
DROP ROLE regress_cascade_stranger;
