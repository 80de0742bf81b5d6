-- Storage parameters a DBA gave the tables a downgrade drops and an upgrade
-- creates again (models, model_games and model_tags below 1.3;
-- model_governance, maintenance_log and maintenance_changed_settings below
-- 1.5) come back with them, as privileges do, those of their TOAST tables
-- (toast.*) too; a table that survives keeps its own.  Before, a round trip
-- to 1.0 lost them silently, and toast.* ones until 1.6's library.
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();
SELECT steam_rec.train('itemknn') > 0 AS trained;
ALTER TABLE steam_rec.models SET (autovacuum_enabled = false);
ALTER TABLE steam_rec.model_games SET (toast_tuple_target = 256, autovacuum_vacuum_scale_factor = 0.01,
                                       toast.autovacuum_vacuum_scale_factor = 0.02);
ALTER TABLE steam_rec.maintenance_log SET (toast.autovacuum_enabled = false);
ALTER TABLE steam_rec.model_governance SET (fillfactor = 60);
ALTER TABLE steam_rec.maintenance_log SET (autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE steam_rec.user_games SET (fillfactor = 70);
CREATE TEMP TABLE storage_before AS
SELECT c.oid, c.relname FROM pg_class AS c WHERE c.relnamespace = 'steam_rec'::regnamespace AND c.relkind = 'r';
CREATE FUNCTION regress.storage_parameters()
RETURNS TABLE (relation name, oid_kept boolean, options text[], toast_options text[])
LANGUAGE sql AS $$
SELECT c.relname, c.oid = b.oid, c.reloptions, t.reloptions
  FROM pg_class AS c LEFT JOIN storage_before AS b ON b.relname = c.relname
  LEFT JOIN pg_class AS t ON t.oid = c.reltoastrelid
 WHERE c.relnamespace = 'steam_rec'::regnamespace AND c.relkind = 'r'
   AND (c.reloptions IS NOT NULL OR t.reloptions IS NOT NULL)
 ORDER BY c.relname
$$;
SELECT * FROM regress.storage_parameters();

SET client_min_messages = error;
ALTER EXTENSION steam_rec UPDATE TO '1.0';
ALTER EXTENSION steam_rec UPDATE TO '1.6';
RESET client_min_messages;
SELECT * FROM regress.storage_parameters();
-- Nothing is left waiting in the stash.
SELECT count(*) AS waiting FROM steam_rec.migration_stash WHERE item = 'privileges';

-- With the restoring trigger disabled, migration_status() names what was not
-- put back; the next update (with nothing to do) puts it back.
ALTER EVENT TRIGGER steam_rec_keep_privileges_restore DISABLE;
SET client_min_messages = error;
ALTER EXTENSION steam_rec UPDATE TO '1.4';
ALTER EXTENSION steam_rec UPDATE TO '1.6';
RESET client_min_messages;
SELECT unnest(warnings) AS warning FROM steam_rec.migration_status() ORDER BY 1;
ALTER EVENT TRIGGER steam_rec_keep_privileges_restore ENABLE;
ALTER EXTENSION steam_rec UPDATE;
SELECT * FROM regress.storage_parameters();
SELECT cardinality(warnings) AS warnings FROM steam_rec.migration_status();

DROP FUNCTION regress.storage_parameters();
DROP TABLE storage_before;
DROP EXTENSION steam_rec;
