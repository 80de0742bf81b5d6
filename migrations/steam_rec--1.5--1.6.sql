-- steam_rec 1.5 -> 1.6
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.6'" to load this file. \quit

--------------------------------------------------------------------------------
-- migration_plan_sql(target): migration_plan() as one script for psql, the
-- counterpart of `alembic upgrade --sql`.  Each step is an ALTER EXTENSION
-- ... UPDATE TO (running a step's raw script outside ALTER EXTENSION would
-- leave its objects outside the extension and MODULE_PATHNAME unreplaced);
-- the step's script follows as comments, so a reviewer reads what will run.
--------------------------------------------------------------------------------
CREATE FUNCTION steam_rec.migration_plan_sql(target text DEFAULT 'head') RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    installed text := steam_rec._installed_version();
    wanted text := steam_rec._resolve_target(target);
    script text;
    step record;
BEGIN
    script := format(E'-- steam_rec: from %s to %s, written by steam_rec.migration_plan_sql(%L).\n',
                     installed, wanted, target);
    IF wanted = installed THEN
        RETURN script || E'-- Nothing to do: the extension is at this version.\n';
    END IF;
    script := script || E'\\set ON_ERROR_STOP on\nBEGIN;\n';
    FOR step IN SELECT * FROM steam_rec.migration_plan(target) AS p ORDER BY p.step LOOP
        script := script
            || format(E'\n-- Step %s (%s): %s, checksum %s, runs:\n', step.step, step.direction, step.script,
                      step.checksum)
            || regexp_replace(rtrim(step.sql, E'\n'), '^', '--   ', 'gn') || E'\n'
            || format(E'ALTER EXTENSION steam_rec UPDATE TO %L;\n', step.to_version);
    END LOOP;
    RETURN script || E'\nCOMMIT;\n';
END
$$;
COMMENT ON FUNCTION steam_rec.migration_plan_sql(text) IS
    'migration_plan(target) as one script for psql: an ALTER EXTENSION steam_rec UPDATE TO per step, '
    'each step''s SQL shown as comments, all in one transaction.';

--------------------------------------------------------------------------------
-- catalog_changes: a count of the statements that changed catalog_cache, so a
-- backend may keep the game names recommend() returns and ask one row whether
-- they are still those of its snapshot, instead of fetching 20 to 40 rows per
-- call.  Every statement that writes catalog_cache bumps the row before it
-- touches a catalog row; concurrent writers of the catalog therefore take
-- turns (the second waits at its first statement for the first to end), and
-- the row version a snapshot sees (its count and writing transaction) names
-- exactly the catalog writes it sees.  A writer's own transaction does not
-- use the kept names.  The statement
-- trigger fires in every replication role; a logical replication apply,
-- which fires only row triggers, bumps it through the row trigger.
--------------------------------------------------------------------------------
CREATE TABLE steam_rec.catalog_changes (
    one     boolean NOT NULL DEFAULT true,
    changes bigint  NOT NULL,
    -- A key, so publications FOR ALL TABLES can replicate the bump.
    CONSTRAINT catalog_changes_pkey PRIMARY KEY (one),
    CONSTRAINT catalog_changes_one_row CHECK (one)
);
COMMENT ON TABLE steam_rec.catalog_changes IS
    'One row: how many statements changed steam_rec.catalog_cache; game names kept by a backend are valid while it stays the same.';
INSERT INTO steam_rec.catalog_changes (changes) VALUES (0);
REVOKE ALL ON steam_rec.catalog_changes FROM PUBLIC;
-- Marked for pg_dump, with no row dumped: the row is the extension's own, and
-- a restore's writes to catalog_cache bump it.
SELECT pg_catalog.pg_extension_config_dump('steam_rec.catalog_changes', 'WHERE false');

CREATE FUNCTION steam_rec._count_catalog_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    UPDATE steam_rec.catalog_changes SET changes = changes + 1;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION steam_rec._count_catalog_change() FROM PUBLIC;
CREATE TRIGGER catalog_cache_count_changes BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON steam_rec.catalog_cache
    FOR EACH STATEMENT EXECUTE FUNCTION steam_rec._count_catalog_change();
ALTER TABLE steam_rec.catalog_cache ENABLE ALWAYS TRIGGER catalog_cache_count_changes;
CREATE TRIGGER catalog_cache_count_replicated_changes AFTER INSERT OR UPDATE OR DELETE ON steam_rec.catalog_cache
    FOR EACH ROW EXECUTE FUNCTION steam_rec._count_catalog_change();
ALTER TABLE steam_rec.catalog_cache ENABLE REPLICA TRIGGER catalog_cache_count_replicated_changes;

-- Last: the log records the schema as this step leaves it.
SELECT steam_rec._log_migration('1.5', '1.6');
