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

-- Last: the log records the schema as this step leaves it.
SELECT steam_rec._log_migration('1.5', '1.6');
