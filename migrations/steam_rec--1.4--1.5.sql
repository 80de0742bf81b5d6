-- steam_rec 1.4 -> 1.5: the fixes of the 1.5 review (serialised writers, a
-- DROP guard that reads what is dropped, privileges kept over migrations).
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.5'" to load this file. \quit

-- #4 activate_model() serialised with itself and with train()'s activation.
-- Both take an EXCLUSIVE lock on steam_rec.models before changing which model
-- is active: it conflicts with every writer of the table and with itself, not
-- with plain SELECTs, so recommend() never waits.  Each statement of a
-- plpgsql function takes a new snapshot in READ COMMITTED, so the statements
-- after the LOCK see an activation that committed while this one waited, and
-- replace it: the later activation wins.  (In REPEATABLE READ the snapshot
-- predates the wait, and the UPDATE of the row the other one changed fails
-- with a serialization error: retry the transaction.)  CREATE OR REPLACE keeps
-- the function's grants and comment; PostgreSQL only lets an extension script
-- replace a function that is already a member of the extension.
CREATE OR REPLACE FUNCTION steam_rec.activate_model(id bigint) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF id IS NULL THEN
        RAISE EXCEPTION 'model id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- Waits for any other activation or training's activation to commit.
    LOCK TABLE steam_rec.models IN EXCLUSIVE MODE;
    IF NOT EXISTS (SELECT FROM steam_rec.models AS m WHERE m.id = activate_model.id) THEN
        RAISE EXCEPTION 'model % does not exist', id
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT id, algorithm, trained_at, active FROM steam_rec.models lists the models.';
    END IF;
    UPDATE steam_rec.models AS m SET active = false WHERE m.active AND m.id <> activate_model.id;
    UPDATE steam_rec.models AS m SET active = true WHERE m.id = activate_model.id AND NOT m.active;
END
$$;

-- Issue 13 #9: privileges, comments, row security and policies kept over
-- migrations.  The base script creates the event triggers that keep them;
-- a database installed before 1.5 gets them here.
DO $keep$
BEGIN
    IF pg_catalog.to_regprocedure('steam_rec._keep_privileges()') IS NULL THEN
        CREATE FUNCTION steam_rec._keep_privileges() RETURNS event_trigger
            LANGUAGE c
            SET search_path = pg_catalog, pg_temp
            AS 'MODULE_PATHNAME', 'steam_rec_keep_privileges';
        REVOKE ALL ON FUNCTION steam_rec._keep_privileges() FROM PUBLIC;
        CREATE EVENT TRIGGER steam_rec_keep_privileges_stash ON ddl_command_start
            WHEN TAG IN ('ALTER EXTENSION')
            EXECUTE FUNCTION steam_rec._keep_privileges();
        CREATE EVENT TRIGGER steam_rec_keep_privileges_restore ON ddl_command_end
            WHEN TAG IN ('ALTER EXTENSION')
            EXECUTE FUNCTION steam_rec._keep_privileges();
    END IF;
END
$keep$;

-- Issue 13 #6 and #12: the DROP guard reads what the command drops from its
-- parse tree (DROP EXTENSION, DROP SCHEMA, DROP OWNED), whatever its text,
-- and lets the server refuse a caller who may not drop (see src/pg/drop_guard.cpp).
DROP EVENT TRIGGER steam_rec_guard_drop;
DROP FUNCTION steam_rec._guard_drop();
CREATE FUNCTION steam_rec._guard_drop() RETURNS event_trigger
    LANGUAGE c
    AS 'MODULE_PATHNAME', 'steam_rec_guard_drop';
CREATE EVENT TRIGGER steam_rec_guard_drop ON ddl_command_start
    WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA', 'DROP OWNED')
    EXECUTE FUNCTION steam_rec._guard_drop();

-- Issue 13 #9: migration_status() warns about privileges a migration did not put back.
DROP FUNCTION steam_rec.migration_status();
CREATE FUNCTION steam_rec.migration_status()
    RETURNS TABLE (installed_version text, newest_version text, default_version text,
                   library_version text, sql_matches_library boolean, pending_steps text[],
                   warnings text[])
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    logged_facts text[];
    current_facts text[] := steam_rec._schema_facts();
    unmarked text;
    last_script text;
    stashed jsonb;
    address record;
BEGIN
    installed_version := steam_rec._installed_version();
    newest_version := steam_rec._resolve_target('head');
    default_version := (SELECT a.default_version FROM pg_available_extensions AS a WHERE a.name = 'steam_rec');
    library_version := steam_rec.version();
    sql_matches_library := installed_version = library_version;
    pending_steps := ARRAY(SELECT p.script FROM steam_rec.migration_plan('head') AS p ORDER BY p.step);
    warnings := '{}';

    IF NOT sql_matches_library THEN
        warnings := warnings || format('the SQL is at %s but the library is %s: run ALTER EXTENSION steam_rec UPDATE TO %L',
                                       installed_version, library_version, library_version);
    END IF;

    FOR unmarked IN
        SELECT c.oid::regclass::text
          FROM pg_depend AS d JOIN pg_class AS c ON c.oid = d.objid AND d.classid = 'pg_class'::regclass
         WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
           AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'steam_rec')
           AND c.relkind IN ('r', 'S')
           AND c.oid <> ALL (coalesce((SELECT extconfig FROM pg_extension WHERE extname = 'steam_rec'), '{}'))
         ORDER BY 1
    LOOP
        warnings := warnings || format('%s is not marked for pg_dump: its rows would be lost by a dump and restore',
                                       unmarked);
    END LOOP;

    SELECT m.schema_facts, m.script INTO logged_facts, last_script
      FROM steam_rec.applied_migrations AS m ORDER BY m.id DESC LIMIT 1;
    IF logged_facts IS NULL THEN
        warnings := warnings || 'no migration step is recorded in steam_rec.applied_migrations'::text;
    ELSE
        warnings := warnings || ARRAY(
            SELECT format('changed outside the migration scripts: %s %s', kind, fact)
              FROM (SELECT 'added', fact FROM unnest(current_facts) AS fact
                     EXCEPT SELECT 'added', fact FROM unnest(logged_facts) AS fact
                    UNION ALL
                    SELECT 'removed', fact FROM unnest(logged_facts) AS fact
                     EXCEPT SELECT 'removed', fact FROM unnest(current_facts) AS fact) AS changes(kind, fact)
             ORDER BY fact, kind);
    END IF;

    -- Privileges stashed for an object that exists again under another OID
    -- were not put back (the event trigger that does it was disabled).
    FOR stashed IN
        SELECT s.payload FROM steam_rec.migration_stash AS s WHERE s.item = 'privileges' ORDER BY s.payload
    LOOP
        BEGIN
            SELECT * INTO address
              FROM pg_get_object_address(stashed ->> 'type',
                                         ARRAY(SELECT jsonb_array_elements_text(stashed -> 'names')),
                                         ARRAY(SELECT jsonb_array_elements_text(stashed -> 'args')));
        EXCEPTION WHEN OTHERS THEN
            CONTINUE;  -- not in this version: kept for the upgrade that brings it back
        END;
        CONTINUE WHEN address.objid = (stashed ->> 'oid')::oid AND address.objsubid = (stashed ->> 'subid')::integer;
        -- Objects the DBA left as the scripts made them lose nothing.
        CONTINUE WHEN stashed -> 'acl' = stashed -> 'initial_acl' AND stashed -> 'policies' = '[]'
                  AND NOT coalesce((stashed ->> 'row_security')::boolean, false);
        warnings := warnings || format(
            'the privileges of %s were not put back after a migration created it again (granted beyond the scripts: %s): '
            'run ALTER EXTENSION steam_rec UPDATE to put them back',
            pg_describe_object(address.classid, address.objid, address.objsubid),
            coalesce((SELECT string_agg(format('%s to %s%s', g ->> 'privilege', coalesce(g ->> 'grantee', 'PUBLIC'),
                                               CASE WHEN g ->> 'grantor' <> stashed ->> 'owner'
                                                    THEN ' by ' || (g ->> 'grantor') END),
                                        ', ' ORDER BY g ->> 'grantee', g ->> 'grantor', g ->> 'privilege')
                        FROM jsonb_array_elements(stashed -> 'acl') AS g
                       WHERE NOT (stashed -> 'initial_acl') @> jsonb_build_array(g)), 'nothing beyond the scripts'));
    END LOOP;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION steam_rec.migration_status() IS
    'Installed, newest, default and library versions, the steps pending to the newest, and warnings: '
    'SQL/library skew, member tables not marked for pg_dump, schema changed outside the scripts.';

-- Issue 13 (suspected): adopt_alembic() reads base tables only.
DROP FUNCTION steam_rec.adopt_alembic(text);
CREATE FUNCTION steam_rec.adopt_alembic(source_schema text DEFAULT 'public')
    RETURNS TABLE (table_name text, rows_adopted bigint)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    -- In foreign-key order; game_tags is optional (the service added it later).
    tables constant text[] := ARRAY['users', 'catalog_cache', 'user_games', 'recommendations', 'game_tags'];
    required constant text[] := ARRAY['users', 'catalog_cache', 'user_games', 'recommendations'];
    name text;
    problems text[] := '{}';
    alembic_revision text;
    columns text;
    copied bigint;
    column_problem text;
    has_rows boolean;
    identity record;
    not_tables text[];
BEGIN
    IF to_regnamespace(quote_ident(source_schema)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" does not exist', source_schema USING ERRCODE = 'invalid_schema_name';
    END IF;
    -- Only base tables are read: a view or a foreign table runs code its owner
    -- chose with the rights of the role adopting.
    SELECT array_agg(format('%I.%I is a %s', source_schema, c.relname,
                            CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                                           WHEN 'f' THEN 'foreign table' ELSE 'relation of kind ' || c.relkind::text END)
                     ORDER BY c.relname)
      INTO not_tables
      FROM pg_class AS c
     WHERE c.relnamespace = to_regnamespace(quote_ident(source_schema))
       AND c.relname = ANY (tables || 'alembic_version'::text) AND c.relkind NOT IN ('r', 'p');
    IF not_tables IS NOT NULL THEN
        RAISE EXCEPTION 'cannot adopt the Alembic schema "%": only base tables can be adopted', source_schema
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = array_to_string(not_tables, E'\n'),
                  HINT = 'Copy the rows into plain tables of the same names first, then call '
                         'adopt_alembic() again. Nothing was read or copied.';
    END IF;
    IF to_regclass(format('%I.alembic_version', source_schema)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" has no alembic_version table', source_schema
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'adopt_alembic() takes over tables that the service''s Alembic migrations built.';
    END IF;
    EXECUTE format('SELECT string_agg(version_num, '','' ORDER BY version_num) FROM %I.alembic_version', source_schema)
       INTO alembic_revision;

    FOREACH name IN ARRAY tables LOOP
        IF to_regclass(format('steam_rec.%I', name)) IS NULL THEN
            CONTINUE;  -- not in the installed version
        ELSIF to_regclass(format('%I.%I', source_schema, name)) IS NULL THEN
            IF name = ANY (required) THEN
                problems := problems || format('table %I.%I is missing', source_schema, name);
            END IF;
            CONTINUE;
        END IF;
        EXECUTE format('SELECT EXISTS (SELECT FROM steam_rec.%I)', name) INTO STRICT has_rows;
        IF has_rows THEN
            problems := problems || format('steam_rec.%I already holds rows', name);
        END IF;
        -- Every source column needs a place of the same kind; every required
        -- target column needs a source.
        FOR column_problem IN
            SELECT CASE WHEN t.attname IS NULL THEN format('%I.%I.%I has no column of that name in steam_rec.%I',
                                                           source_schema, name, s.attname, name)
                        ELSE format('%I.%I.%I is %s but steam_rec.%I.%I is %s', source_schema, name, s.attname,
                                    format_type(s.atttypid, s.atttypmod), name, t.attname,
                                    format_type(t.atttypid, t.atttypmod)) END
              FROM pg_attribute AS s
              LEFT JOIN pg_attribute AS t
                     ON t.attrelid = format('steam_rec.%I', name)::regclass AND t.attname = s.attname
                    AND t.attnum > 0 AND NOT t.attisdropped
             WHERE s.attrelid = format('%I.%I', source_schema, name)::regclass AND s.attnum > 0 AND NOT s.attisdropped
               AND (t.attname IS NULL
                    OR (SELECT typcategory FROM pg_type WHERE oid = s.atttypid)
                       <> (SELECT typcategory FROM pg_type WHERE oid = t.atttypid))
            UNION ALL
            SELECT format('steam_rec.%I.%I is required but %I.%I has no such column', name, t.attname, source_schema, name)
              FROM pg_attribute AS t
             WHERE t.attrelid = format('steam_rec.%I', name)::regclass AND t.attnum > 0 AND NOT t.attisdropped
               AND t.attnotnull AND NOT t.atthasdef AND t.attidentity = ''
               AND NOT EXISTS (SELECT FROM pg_attribute AS s
                                WHERE s.attrelid = format('%I.%I', source_schema, name)::regclass
                                  AND s.attname = t.attname AND s.attnum > 0 AND NOT s.attisdropped)
        LOOP
            problems := problems || column_problem;
        END LOOP;
    END LOOP;

    IF cardinality(problems) > 0 THEN
        RAISE EXCEPTION 'cannot adopt the Alembic schema "%" (revision %): % problem(s)',
                        source_schema, coalesce(alembic_revision, 'none'), cardinality(problems)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = array_to_string(problems, E'\n'),
                  HINT = 'Bring the tables in line (or empty the steam_rec tables), then call adopt_alembic() again. Nothing was copied.';
    END IF;

    FOREACH name IN ARRAY tables LOOP
        CONTINUE WHEN to_regclass(format('steam_rec.%I', name)) IS NULL
                   OR to_regclass(format('%I.%I', source_schema, name)) IS NULL;
        SELECT string_agg(quote_ident(s.attname), ', ' ORDER BY s.attnum) INTO columns
          FROM pg_attribute AS s
         WHERE s.attrelid = format('%I.%I', source_schema, name)::regclass AND s.attnum > 0 AND NOT s.attisdropped;
        EXECUTE format('INSERT INTO steam_rec.%I (%s) SELECT %s FROM %I.%I', name, columns, columns, source_schema, name);
        GET DIAGNOSTICS copied = ROW_COUNT;
        table_name := name;
        rows_adopted := copied;
        RETURN NEXT;
    END LOOP;

    -- Identity sequences go on after the adopted ids.
    FOR identity IN
        SELECT c.relname AS table_name, a.attname AS column_name
          FROM pg_class AS c JOIN pg_attribute AS a ON a.attrelid = c.oid
         WHERE c.relnamespace = 'steam_rec'::regnamespace AND a.attidentity <> '' AND NOT a.attisdropped
    LOOP
        EXECUTE format('SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(%L, %L), max(%I)) FROM steam_rec.%I HAVING max(%I) IS NOT NULL',
                       format('steam_rec.%I', identity.table_name), identity.column_name, identity.column_name,
                       identity.table_name, identity.column_name);
    END LOOP;

    INSERT INTO steam_rec.applied_migrations (from_version, to_version, direction, script, checksum, command, schema_facts)
    VALUES (format('alembic %s.%s', source_schema, coalesce(alembic_revision, 'none')),
            steam_rec._installed_version(), 'adopt', format('adopt_alembic(%L)', source_schema), '',
            left(current_query(), 1000), steam_rec._schema_facts());
END
$$;
COMMENT ON FUNCTION steam_rec.adopt_alembic(text) IS
    'Copies the tables and rows of a database the Python service built with Alembic (schema source_schema) '
    'into the extension''s tables, after verifying every table and column; refuses on any mismatch.';
REVOKE ALL ON FUNCTION steam_rec.adopt_alembic(text) FROM PUBLIC;

-- Issue 15: one shared model image per server.  Every backend maps the same
-- image file of the active model, so model_cache_bytes() tells the bytes
-- shared with the other backends from this backend's own, and model_image()
-- says which image it serves from and how often the server built it.
DROP FUNCTION steam_rec.model_cache_bytes();
CREATE FUNCTION steam_rec.model_cache_bytes(OUT shared_bytes bigint, OUT private_bytes bigint)
    LANGUAGE c VOLATILE PARALLEL RESTRICTED
    AS 'MODULE_PATHNAME', 'steam_rec_model_cache_bytes_split';
COMMENT ON FUNCTION steam_rec.model_cache_bytes() IS
    'Bytes of the model this backend serves recommendations from: shared_bytes, the image file every '
    'backend of the server maps; private_bytes, what this backend holds alone (0 before its first call).';
CREATE FUNCTION steam_rec.model_image(OUT file text, OUT file_bytes bigint, OUT builds integer, OUT served_from text)
    LANGUAGE c VOLATILE PARALLEL RESTRICTED
    AS 'MODULE_PATHNAME', 'steam_rec_model_image';
COMMENT ON FUNCTION steam_rec.model_image() IS
    'The image of the model this backend serves from (NULLs before its first call): its file under '
    '$PGDATA/steam_rec, its size, how many times this server built it, and whether this backend maps '
    'the file (file) or holds the image in its own memory because the file could not be written (memory).';

-- Last: the log records the schema as this step leaves it.
SELECT steam_rec._log_migration('1.4', '1.5');
