-- The privilege stash is trusted: ALTER EXTENSION steam_rec UPDATE runs the
-- GRANT, COMMENT and CREATE POLICY statements it builds from the rows of
-- item 'privileges' in steam_rec.migration_stash, as the superuser updating.
-- So only a superuser may write such rows: a role granted INSERT or UPDATE
-- on the table (GRANT ... ON ALL TABLES IN SCHEMA steam_rec) must not be able
-- to plant one and be made superuser by the next update.
CREATE EXTENSION steam_rec;
CREATE ROLE regress_stash_writer NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec, regress TO regress_stash_writer;
GRANT SELECT, INSERT, UPDATE ON steam_rec.migration_stash TO regress_stash_writer;

-- A payload whose "privilege" smuggles statements into the restore.
CREATE TABLE regress.planted AS
SELECT jsonb_build_object(
    'type', 'table', 'names', '["steam_rec", "users"]'::jsonb, 'args', '[]'::jsonb, 'oid', 0, 'subid', 0,
    'owner', current_user, 'initial_acl', '[]'::jsonb, 'policies', '[]'::jsonb,
    'row_security', false, 'force_row_security', false,
    'acl', jsonb_build_array(jsonb_build_object(
        'grantor', current_user, 'grantee', 'regress_stash_writer', 'grantable', false,
        'privilege', 'SELECT ON steam_rec.users TO regress_stash_writer; '
                     'ALTER ROLE regress_stash_writer SUPERUSER; GRANT SELECT'))) AS payload;
GRANT SELECT ON regress.planted TO regress_stash_writer;

-- 1. The writer cannot add a privileges row, nor turn another row into one.
SET ROLE regress_stash_writer;
INSERT INTO steam_rec.migration_stash (item, payload) SELECT 'privileges', payload FROM regress.planted;
INSERT INTO steam_rec.migration_stash (item, payload) VALUES ('regress_other', '{}');
UPDATE steam_rec.migration_stash SET item = 'privileges', payload = (SELECT payload FROM regress.planted)
 WHERE item = 'regress_other';
RESET ROLE;

-- 2. The next update makes nobody superuser.
ALTER EXTENSION steam_rec UPDATE;
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_stash_writer';
SELECT item, count(*) FROM steam_rec.migration_stash GROUP BY item ORDER BY item;

-- 3. A superuser still writes them (as the update's own trigger does).
INSERT INTO steam_rec.migration_stash (item, payload) VALUES ('privileges', '{"type": "regress"}');
DELETE FROM steam_rec.migration_stash;

DROP TABLE regress.planted;
DROP EXTENSION steam_rec;
DROP OWNED BY regress_stash_writer;
DROP ROLE regress_stash_writer;
