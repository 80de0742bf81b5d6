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
-- Review of issue 13: every DROP command, since a CASCADE of another object
-- (DROP EXTENSION plpgsql CASCADE, DROP SCHEMA public CASCADE after a member
-- was moved there) drops steam_rec too.
CREATE EVENT TRIGGER steam_rec_guard_drop ON ddl_command_start
    WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA', 'DROP OWNED', 'DROP ACCESS METHOD', 'DROP AGGREGATE',
                 'DROP CAST', 'DROP COLLATION', 'DROP CONVERSION', 'DROP DOMAIN', 'DROP FOREIGN DATA WRAPPER',
                 'DROP FOREIGN TABLE', 'DROP FUNCTION', 'DROP INDEX', 'DROP LANGUAGE', 'DROP MATERIALIZED VIEW',
                 'DROP OPERATOR', 'DROP OPERATOR CLASS', 'DROP OPERATOR FAMILY', 'DROP PROCEDURE',
                 'DROP ROUTINE', 'DROP SEQUENCE', 'DROP SERVER', 'DROP TABLE', 'DROP TEXT SEARCH CONFIGURATION',
                 'DROP TEXT SEARCH DICTIONARY', 'DROP TEXT SEARCH PARSER', 'DROP TEXT SEARCH TEMPLATE',
                 'DROP TRANSFORM', 'DROP TYPE', 'DROP VIEW')
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

-- Review of issue 13: a role that could write a 'privileges' row of
-- steam_rec.migration_stash had the next ALTER EXTENSION steam_rec UPDATE run
-- any statement as superuser.  Only superusers write those rows now.  The
-- base script creates the trigger; a database installed before 1.5 gets it
-- here.
DO $stash$
BEGIN
    IF pg_catalog.to_regprocedure('steam_rec._privileges_stash_by_superusers()') IS NULL THEN
        CREATE FUNCTION steam_rec._privileges_stash_by_superusers() RETURNS trigger
            LANGUAGE plpgsql
            SET search_path = pg_catalog, pg_temp
            AS $$
        BEGIN
            IF (NEW.item = 'privileges' OR (TG_OP = 'UPDATE' AND OLD.item = 'privileges'))
               AND NOT coalesce((SELECT r.rolsuper FROM pg_roles AS r WHERE r.rolname = current_user), false) THEN
                RAISE EXCEPTION 'only a superuser may write rows of item ''privileges'' in steam_rec.migration_stash'
                    USING ERRCODE = 'insufficient_privilege',
                          DETAIL = format('Role %I is not a superuser.', current_user),
                          HINT = 'ALTER EXTENSION steam_rec UPDATE writes these rows itself and runs the GRANT statements '
                                 'they describe as the superuser updating.';
            END IF;
            RETURN NEW;
        END
        $$;
        REVOKE ALL ON FUNCTION steam_rec._privileges_stash_by_superusers() FROM PUBLIC;
        CREATE TRIGGER migration_stash_privileges_by_superusers
            BEFORE INSERT OR UPDATE ON steam_rec.migration_stash
            FOR EACH ROW EXECUTE FUNCTION steam_rec._privileges_stash_by_superusers();
    END IF;
END
$stash$;

-- Issue 14 #1: one registry of algorithms.  steam_rec.algorithms() lists it;
-- train() validates against it, so the CHECK on models.algorithm goes and a
-- new algorithm needs no schema version.
CREATE FUNCTION steam_rec.algorithms()
    RETURNS TABLE (name text, description text, stores text, parameters jsonb)
    LANGUAGE c STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'steam_rec_algorithms';
COMMENT ON FUNCTION steam_rec.algorithms() IS
    'The algorithms train() and evaluate() accept: what each does, what its model stores, and each parameter '
    'with its kind, default and range (or allowed values).';
ALTER TABLE steam_rec.models DROP CONSTRAINT models_algorithm_must_be_known;

-- ---------------------------------------------------------------------------
-- Operations: maintain(), model governance (issue 16).
-- A procedure that refreshes engagement, retrains when the stored rule says so,
-- evaluates before activating, refreshes the stored lists and prunes old
-- models, logging every run; model_report(), pins and prune_models().
-- ---------------------------------------------------------------------------

-- Every maintenance setting, its default and meaning: the one list.  Only
-- settings changed with set_maintenance_setting() are stored.
CREATE FUNCTION steam_rec._maintenance_setting_defaults()
    RETURNS TABLE (name text, default_value text, meaning text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    VALUES ('retrain_changed_rows', '10000',
            'retrain when at least this many owned-game rows are new, deleted or played since the active model '
            'was trained (0: off)'),
           ('retrain_changed_share', '0.05',
            'retrain when those rows are at least this share of the rows the active model was trained on (0: off)'),
           ('retrain_max_age', '7 days', 'retrain when the active model is at least this old (0: off)'),
           ('algorithm', 'active',
            'what to train: active (the active model''s algorithm and parameters) or an algorithm name'),
           ('params', '{}', 'the train() parameters when algorithm names an algorithm'),
           ('evaluate', 'on', 'compare the new model with a reference on a held-out split before activating it'),
           ('tolerance', '0.05',
            'activate when the new model''s Recall@k and NDCG@k are at least (1 - tolerance) times the reference''s'),
           ('evaluation_k', '20', 'the k of Recall@k and NDCG@k in that comparison'),
           ('recommendations_k', '20', 'refresh every player''s stored top k after training (0: do not refresh)'),
           ('keep_previous', '3', 'prune_models() keeps the active model, this many previous ones and every pinned one')
$$;

CREATE TABLE steam_rec.maintenance_changed_settings (
    name       text        NOT NULL,
    value      text        NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text        NOT NULL DEFAULT current_user,
    CONSTRAINT maintenance_changed_settings_pkey PRIMARY KEY (name)
);
COMMENT ON TABLE steam_rec.maintenance_changed_settings IS
    'Maintenance settings changed from their defaults; read them with steam_rec.maintenance_settings(), '
    'change them with steam_rec.set_maintenance_setting(name, value).';

-- Checks a value for a maintenance setting and returns it in its canonical
-- form; refuses an unknown name or a bad value with the value and the range.
CREATE FUNCTION steam_rec._maintenance_setting_checked(name text, value text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    number double precision;
    whole bigint;
    age interval;
    params jsonb;
    limits constant jsonb := '{"retrain_changed_rows": [0, 9223372036854775807], "evaluation_k": [1, 1000],
                               "recommendations_k": [0, 1000], "keep_previous": [0, 1000]}';
BEGIN
    IF NOT EXISTS (SELECT FROM steam_rec._maintenance_setting_defaults() AS d WHERE d.name = $1) THEN
        RAISE EXCEPTION 'unknown maintenance setting "%"', $1
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The settings are ' || (SELECT string_agg(d.name, ', ') FROM steam_rec._maintenance_setting_defaults() AS d) || '.';
    END IF;
    IF limits ? $1 THEN
        BEGIN
            whole := btrim(value)::bigint;
        EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range THEN
            whole := NULL;
        END;
        IF whole IS NULL OR whole < (limits -> $1 ->> 0)::bigint OR whole > (limits -> $1 ->> 1)::bigint THEN
            RAISE EXCEPTION 'maintenance setting % must be a whole number from % to %, not "%"',
                            $1, limits -> $1 ->> 0, limits -> $1 ->> 1, value
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN whole::text;
    END IF;
    CASE $1
    WHEN 'retrain_changed_share', 'tolerance' THEN
        BEGIN
            number := btrim(value)::double precision;
        EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range THEN
            number := NULL;
        END;
        IF number IS NULL OR NOT (number >= 0 AND number <= 1) THEN
            RAISE EXCEPTION 'maintenance setting % must be a number from 0 to 1, not "%"', $1, value
                USING ERRCODE = 'invalid_parameter_value', HINT = 'For example 0.05 for 5%.';
        END IF;
        RETURN number::text;
    WHEN 'retrain_max_age' THEN
        BEGIN
            age := value::interval;
        EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow THEN
            age := NULL;
        END;
        IF age IS NULL OR age < interval '0' OR isfinite(age) IS NOT TRUE THEN
            RAISE EXCEPTION 'maintenance setting retrain_max_age must be an interval of 0 or more, not "%"', value
                USING ERRCODE = 'invalid_parameter_value', HINT = 'For example ''7 days''; 0 turns the age rule off.';
        END IF;
        RETURN btrim(value);  -- as written: any IntervalStyle reads it back
    WHEN 'algorithm' THEN
        IF value IS NULL OR value NOT IN ('active', 'popularity', 'itemknn', 'ease', 'ials', 'content', 'hybrid') THEN
            RAISE EXCEPTION 'maintenance setting algorithm must be active or an algorithm, not "%"', value
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Valid values are active, popularity, itemknn, ease, ials, content, hybrid.';
        END IF;
        RETURN value;
    WHEN 'params' THEN
        BEGIN
            params := value::jsonb;
        EXCEPTION WHEN invalid_text_representation THEN
            params := NULL;
        END;
        IF params IS NULL OR jsonb_typeof(params) <> 'object' THEN
            RAISE EXCEPTION 'maintenance setting params must be a JSON object of train() parameters, not "%"', value
                USING ERRCODE = 'invalid_parameter_value', HINT = 'For example {"base": "itemknn"}.';
        END IF;
        RETURN params::text;
    WHEN 'evaluate' THEN
        IF lower(btrim(value)) IN ('on', 'true', 'yes', '1') THEN
            RETURN 'on';
        ELSIF lower(btrim(value)) IN ('off', 'false', 'no', '0') THEN
            RETURN 'off';
        END IF;
        RAISE EXCEPTION 'maintenance setting evaluate must be on or off, not "%"', value
            USING ERRCODE = 'invalid_parameter_value';
    END CASE;
END
$$;

-- The value of one maintenance setting: the changed one, or its default.
CREATE FUNCTION steam_rec._maintenance_setting(name text) RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT coalesce((SELECT c.value FROM steam_rec.maintenance_changed_settings AS c WHERE c.name = $1),
                    (SELECT d.default_value FROM steam_rec._maintenance_setting_defaults() AS d WHERE d.name = $1))
$$;

CREATE FUNCTION steam_rec.maintenance_settings()
    RETURNS TABLE (name text, value text, default_value text, meaning text, changed_at timestamptz)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT d.name, coalesce(c.value, d.default_value), d.default_value, d.meaning, c.changed_at
      FROM steam_rec._maintenance_setting_defaults() WITH ORDINALITY AS d
      LEFT JOIN steam_rec.maintenance_changed_settings AS c ON c.name = d.name
     ORDER BY d.ordinality
$$;
COMMENT ON FUNCTION steam_rec.maintenance_settings() IS
    'The settings of steam_rec.maintain() and steam_rec.prune_models(): value, default and meaning.';

-- Sets one maintenance setting (NULL or 'default' restores the default) and
-- returns the value now in force.
CREATE FUNCTION steam_rec.set_maintenance_setting(name text, value text) RETURNS text
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    checked text;
BEGIN
    IF $1 IS NULL THEN
        RAISE EXCEPTION 'setting name must not be NULL' USING ERRCODE = 'null_value_not_allowed',
            HINT = 'SELECT * FROM steam_rec.maintenance_settings() lists the settings.';
    END IF;
    IF $2 IS NULL OR lower(btrim($2)) = 'default' THEN
        PERFORM steam_rec._maintenance_setting_checked($1,
            (SELECT d.default_value FROM steam_rec._maintenance_setting_defaults() AS d WHERE d.name = $1));
        DELETE FROM steam_rec.maintenance_changed_settings AS c WHERE c.name = $1;
    ELSE
        checked := steam_rec._maintenance_setting_checked($1, $2);
        INSERT INTO steam_rec.maintenance_changed_settings AS c (name, value) VALUES ($1, checked)
            ON CONFLICT ON CONSTRAINT maintenance_changed_settings_pkey
            DO UPDATE SET value = excluded.value, changed_at = excluded.changed_at, changed_by = excluded.changed_by;
    END IF;
    RETURN steam_rec._maintenance_setting($1);
END
$$;
COMMENT ON FUNCTION steam_rec.set_maintenance_setting(text, text) IS
    'Sets a maintenance setting (see steam_rec.maintenance_settings()); NULL or ''default'' restores the default.';
REVOKE ALL ON FUNCTION steam_rec.set_maintenance_setting(text, text) FROM PUBLIC;

-- Per model: where user_games stood when it was trained (the largest id, so
-- later rows count as new), and whether it is pinned against pruning.
CREATE TABLE steam_rec.model_governance (
    model_id        bigint      NOT NULL,
    user_games_mark bigint,
    pinned          boolean     NOT NULL DEFAULT false,
    pinned_at       timestamptz,
    pin_note        text,
    CONSTRAINT model_governance_pkey PRIMARY KEY (model_id)
);
COMMENT ON TABLE steam_rec.model_governance IS
    'Per model: the largest user_games id when it was trained (to count the rows added since) and its pin '
    '(pinned models are never pruned). Rows go with their model.';

-- Records the data mark of a model train() has just stored.  A row inserted
-- with an older trained_at (a restore, a downgrade's stash coming back) was not
-- trained now: its mark, if it had one, comes back with its own row.
CREATE FUNCTION steam_rec._mark_model_data() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF NEW.trained_at = now() THEN
        INSERT INTO steam_rec.model_governance (model_id, user_games_mark)
        VALUES (NEW.id, (SELECT max(u.id) FROM steam_rec.user_games AS u))
        ON CONFLICT ON CONSTRAINT model_governance_pkey DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION steam_rec._mark_model_data() FROM PUBLIC;
CREATE TRIGGER models_mark_data AFTER INSERT ON steam_rec.models
    FOR EACH ROW EXECUTE FUNCTION steam_rec._mark_model_data();

-- A model's governance row goes with it (a trigger, as for its other rows).
CREATE FUNCTION steam_rec._delete_model_governance() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE steam_rec.model_governance;
    ELSE
        DELETE FROM steam_rec.model_governance AS g WHERE g.model_id = OLD.id;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION steam_rec._delete_model_governance() FROM PUBLIC;
CREATE TRIGGER models_delete_governance AFTER DELETE ON steam_rec.models
    FOR EACH ROW EXECUTE FUNCTION steam_rec._delete_model_governance();
CREATE TRIGGER models_truncate_governance AFTER TRUNCATE ON steam_rec.models
    FOR EACH STATEMENT EXECUTE FUNCTION steam_rec._delete_model_governance();

-- Locks a model's row (so a concurrent prune waits or wins cleanly) or
-- refuses an unknown or NULL id.
CREATE FUNCTION steam_rec._existing_model(id bigint) RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF $1 IS NULL THEN
        RAISE EXCEPTION 'model id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM FROM steam_rec.models AS m WHERE m.id = $1 FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'model % does not exist', $1
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT id, algorithm, trained_at, active FROM steam_rec.models lists the models.';
    END IF;
    RETURN $1;
END
$$;

CREATE FUNCTION steam_rec.pin_model(id bigint, note text DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    INSERT INTO steam_rec.model_governance AS g (model_id, pinned, pinned_at, pin_note)
    VALUES (steam_rec._existing_model($1), true, now(), $2)
    ON CONFLICT ON CONSTRAINT model_governance_pkey
    DO UPDATE SET pinned = true, pinned_at = now(), pin_note = excluded.pin_note;
END
$$;
COMMENT ON FUNCTION steam_rec.pin_model(bigint, text) IS
    'Pins a model, with an optional note saying why: prune_models() never deletes it.';
REVOKE ALL ON FUNCTION steam_rec.pin_model(bigint, text) FROM PUBLIC;

CREATE FUNCTION steam_rec.unpin_model(id bigint) RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    UPDATE steam_rec.model_governance AS g SET pinned = false, pinned_at = NULL, pin_note = NULL
     WHERE g.model_id = steam_rec._existing_model($1);
END
$$;
COMMENT ON FUNCTION steam_rec.unpin_model(bigint) IS 'Removes a model''s pin: prune_models() may delete it again.';
REVOKE ALL ON FUNCTION steam_rec.unpin_model(bigint) FROM PUBLIC;

-- Deletes every model except the active one, the keep_previous most recently
-- trained others and the pinned ones; returns what it deleted.
CREATE FUNCTION steam_rec.prune_models(keep_previous integer DEFAULT NULL)
    RETURNS TABLE (id bigint, algorithm text, trained_at timestamptz)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    keep integer := coalesce($1, steam_rec._maintenance_setting('keep_previous')::integer);
    deleted integer;
BEGIN
    IF keep < 0 THEN
        RAISE EXCEPTION 'keep_previous must be 0 or more, not %', keep
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'It is the number of models to keep besides the active and the pinned ones.';
    END IF;
    -- Waits for activations and pins (pin_model() locks the model's row) to
    -- commit, so the statement below sees them: a model pinned or activated
    -- meanwhile is kept.
    LOCK TABLE steam_rec.models IN EXCLUSIVE MODE;
    RETURN QUERY
    WITH previous AS (
        SELECT m.id, row_number() OVER (ORDER BY m.id DESC) AS newest
          FROM steam_rec.models AS m
         WHERE NOT m.active
    )
    DELETE FROM steam_rec.models AS m
     USING previous AS p
     WHERE m.id = p.id AND p.newest > keep
       AND NOT m.active   -- read again after a wait: a model activated meanwhile stays
       AND NOT EXISTS (SELECT FROM steam_rec.model_governance AS g WHERE g.model_id = m.id AND g.pinned)
    RETURNING m.id, m.algorithm, m.trained_at;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RAISE NOTICE 'prune_models: deleted % model(s); kept the active one, % previous and the pinned ones',
                 deleted, keep;
END
$$;
COMMENT ON FUNCTION steam_rec.prune_models(integer) IS
    'Deletes old models: keeps the active one, the keep_previous most recently trained others (default: '
    'the keep_previous maintenance setting) and every pinned one. Returns the deleted models.';
REVOKE ALL ON FUNCTION steam_rec.prune_models(integer) FROM PUBLIC;

-- How user_games changed since a model was trained: rows added (id above its
-- mark), rows deleted (its training rows no longer there), rows played since
-- (last_played later than trained_at), new players and games it does not know.
-- Without a mark (a model trained before 1.5) only what timestamps tell is known.
CREATE FUNCTION steam_rec._model_drift(model_id bigint,
        OUT training_rows bigint, OUT new_rows bigint, OUT deleted_rows bigint, OUT played_rows bigint,
        OUT changed_rows bigint, OUT changed_share double precision, OUT new_players bigint, OUT new_games bigint)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    trained timestamptz;
    mark bigint;
    kept_rows bigint;
BEGIN
    SELECT m.interactions, m.trained_at, g.user_games_mark INTO training_rows, trained, mark
      FROM steam_rec.models AS m
      LEFT JOIN steam_rec.model_governance AS g ON g.model_id = m.id
     WHERE m.id = $1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT count(*) FILTER (WHERE u.id > mark),
           count(*) FILTER (WHERE u.id <= mark),
           count(*) FILTER (WHERE (mark IS NULL OR u.id <= mark) AND u.last_played > trained)
      INTO new_rows, kept_rows, played_rows
      FROM steam_rec.user_games AS u;
    IF mark IS NULL THEN
        new_rows := NULL;
    ELSE
        deleted_rows := greatest(training_rows - kept_rows, 0);
        changed_rows := new_rows + deleted_rows + played_rows;
        changed_share := changed_rows::double precision / greatest(training_rows, 1);
    END IF;
    SELECT count(*) INTO new_players FROM steam_rec.users AS p WHERE p.created_at > trained;
    SELECT count(DISTINCT u.appid) INTO new_games
      FROM steam_rec.user_games AS u
     WHERE NOT EXISTS (SELECT FROM steam_rec.model_games AS mg WHERE mg.model_id = $1 AND mg.appid = u.appid);
END
$$;
REVOKE ALL ON FUNCTION steam_rec._model_drift(bigint) FROM PUBLIC;

-- One row per run of maintain(): what it did, step by step, and why.
CREATE TABLE steam_rec.maintenance_log (
    id                  bigint      GENERATED BY DEFAULT AS IDENTITY,
    started_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at         timestamptz,
    status              text        NOT NULL DEFAULT 'running',
    decision            text,
    reason              text,
    active_model_before bigint,
    trained_model       bigint,
    active_model_after  bigint,
    evaluation          jsonb,
    steps               jsonb       NOT NULL DEFAULT '[]',
    failed_step         text,
    error               text,
    error_sqlstate      text,
    run_by              text        NOT NULL DEFAULT current_user,
    backend_pid         integer     NOT NULL DEFAULT pg_backend_pid(),
    CONSTRAINT maintenance_log_pkey PRIMARY KEY (id),
    CONSTRAINT maintenance_log_status_must_be_known
        CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted', 'skipped')),
    CONSTRAINT maintenance_log_decision_must_be_known
        CHECK (decision IN ('retrain', 'no retrain', 'activated', 'rejected')),
    CONSTRAINT maintenance_log_steps_must_be_an_array CHECK (pg_catalog.jsonb_typeof(steps) = 'array')
);
CREATE INDEX maintenance_log_trained_model_idx ON steam_rec.maintenance_log (trained_model);
COMMENT ON TABLE steam_rec.maintenance_log IS
    'One row per CALL steam_rec.maintain(): start, end, status, each step''s rows and seconds (steps), the '
    'retraining decision and its reason, the evaluation (rule and numbers), the models before and after, the error.';
COMMENT ON COLUMN steam_rec.maintenance_log.status IS
    'running, succeeded, failed, cancelled (cancel or statement_timeout), interrupted (its session ended: '
    'terminated or crashed; set by the next run), skipped (another run held the lock).';

-- The algorithm and parameters maintain() trains: the active model's, or the
-- ones the settings name.
CREATE FUNCTION steam_rec._maintenance_candidate(OUT algorithm text, OUT params jsonb)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    algorithm := steam_rec._maintenance_setting('algorithm');
    IF algorithm = 'active' THEN
        SELECT m.algorithm, m.params INTO algorithm, params FROM steam_rec.models AS m WHERE m.active;
        IF NOT FOUND THEN
            algorithm := 'hybrid';
            params := '{}';
        END IF;
    ELSE
        params := steam_rec._maintenance_setting('params')::jsonb;
    END IF;
END
$$;

-- A duration in words that do not depend on the session's IntervalStyle.
CREATE FUNCTION steam_rec._duration_text(duration interval) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE WHEN seconds < 10 THEN round(seconds, 1) || ' s'
                WHEN seconds < 120 THEN round(seconds) || ' s'
                WHEN seconds < 7200 THEN round(seconds / 60) || ' min'
                WHEN seconds < 172800 THEN round(seconds / 3600, 1) || ' hours'
                ELSE round(seconds / 86400, 1) || ' days' END
      FROM (SELECT extract(epoch FROM $1) AS seconds) AS d
$$;

-- Step decide: whether the data changed enough, or the model is old enough,
-- to train a new one.  Returns the changed rows and a sentence.
CREATE FUNCTION steam_rec._maintain_decide(run_id bigint, OUT step_rows bigint, OUT step_detail text)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    active steam_rec.models;
    drift record;
    age interval;
    max_age interval := steam_rec._maintenance_setting('retrain_max_age')::interval;
    rows_limit bigint := steam_rec._maintenance_setting('retrain_changed_rows')::bigint;
    share_limit double precision := steam_rec._maintenance_setting('retrain_changed_share')::double precision;
    chosen text := 'retrain';
    why text;
BEGIN
    SELECT * INTO active FROM steam_rec.models AS m WHERE m.active;
    IF NOT EXISTS (SELECT FROM steam_rec.user_games) THEN
        chosen := 'no retrain';
        why := 'there are no owned games to train on';
    ELSIF active.id IS NULL THEN
        why := 'no model is active';
    ELSE
        SELECT * INTO drift FROM steam_rec._model_drift(active.id);
        step_rows := drift.changed_rows;
        age := clock_timestamp() - active.trained_at;
        IF max_age > interval '0' AND age >= max_age THEN
            why := format('model %s is %s old, the limit is %s', active.id, steam_rec._duration_text(age),
                          steam_rec._duration_text(max_age));
        ELSIF drift.changed_rows IS NULL THEN
            why := format('the changes since model %s was trained are unknown: it has no data mark '
                          '(it was trained before steam_rec 1.5)', active.id);
        ELSIF rows_limit > 0 AND drift.changed_rows >= rows_limit THEN
            why := format('%s owned-game rows changed since model %s was trained (%s new, %s deleted, %s played), '
                          'the limit is %s', drift.changed_rows, active.id, drift.new_rows, drift.deleted_rows,
                          drift.played_rows, rows_limit);
        ELSIF share_limit > 0 AND drift.changed_share >= share_limit THEN
            why := format('%s owned-game rows changed since model %s was trained (%s new, %s deleted, %s played), '
                          '%s%% of its %s training rows, the limit is %s%%', drift.changed_rows, active.id,
                          drift.new_rows, drift.deleted_rows, drift.played_rows,
                          round((100 * drift.changed_share)::numeric, 2), drift.training_rows,
                          round((100 * share_limit)::numeric, 2));
        ELSE
            chosen := 'no retrain';
            why := format('model %s: %s owned-game rows changed since it was trained (%s%% of its %s training rows; '
                          'limits %s rows, %s), it is %s old (limit %s)', active.id, drift.changed_rows,
                          round((100 * drift.changed_share)::numeric, 2), drift.training_rows,
                          CASE WHEN rows_limit > 0 THEN rows_limit::text ELSE 'off' END,
                          CASE WHEN share_limit > 0 THEN round((100 * share_limit)::numeric, 2) || '%' ELSE 'off' END,
                          steam_rec._duration_text(age),
                          CASE WHEN max_age > interval '0' THEN steam_rec._duration_text(max_age) ELSE 'off' END);
        END IF;
    END IF;
    UPDATE steam_rec.maintenance_log AS l SET decision = chosen, reason = why
     WHERE l.id = run_id;
    step_detail := chosen || ': ' || why;
END
$$;

-- Recall@k and friends of one configuration, measured by evaluate() on its
-- seeded held-out split of the current data, as JSON.  Data too small for the
-- split (a new installation) is no failure: it measures no player.
CREATE FUNCTION steam_rec._maintenance_measure(algorithm text, params jsonb, k integer) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    measured jsonb;
BEGIN
    SELECT jsonb_build_object('algorithm', e.algorithm, 'params', $2, 'recall', e.recall, 'ndcg', e.ndcg,
                              'hit_rate', e.hit_rate, 'coverage', e.coverage, 'players', e.players,
                              'train_seconds', e.train_seconds)
      INTO measured
      FROM steam_rec.evaluate(ARRAY[$1], k => $3, params => jsonb_build_object($1, $2)) AS e
     WHERE e.algorithm = $1;
    RETURN measured;
EXCEPTION WHEN invalid_parameter_value THEN
    IF SQLERRM NOT LIKE 'no player is left to evaluate%' THEN
        RAISE;
    END IF;
    RETURN jsonb_build_object('algorithm', $1, 'params', $2, 'players', 0, 'note', SQLERRM);
END
$$;

-- Step evaluate: measures the configuration maintain() is about to train on a
-- held-out split and compares it with a reference: the active model's
-- configuration on the same split when it differs, otherwise the active
-- model's own recorded evaluation.  Rejects the new model when its Recall@k or
-- NDCG@k falls below (1 - tolerance) times the reference's.
CREATE FUNCTION steam_rec._maintain_evaluate(run_id bigint, OUT step_rows bigint, OUT step_detail text)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    run steam_rec.maintenance_log;
    active steam_rec.models;
    candidate record;
    k integer := steam_rec._maintenance_setting('evaluation_k')::integer;
    tolerance double precision := steam_rec._maintenance_setting('tolerance')::double precision;
    measured jsonb;
    reference jsonb;
    source text;
    passed boolean;
    rule text;
    sentence text;
BEGIN
    SELECT * INTO run FROM steam_rec.maintenance_log AS l WHERE l.id = run_id;
    IF run.decision IS DISTINCT FROM 'retrain' THEN
        step_detail := 'skipped: no new model to evaluate';
        RETURN;
    END IF;
    IF steam_rec._maintenance_setting('evaluate') = 'off' THEN
        UPDATE steam_rec.maintenance_log AS l SET evaluation = '{"rule": "evaluate is off: activate unconditionally"}'
         WHERE l.id = run_id;
        step_detail := 'skipped: the evaluate setting is off, the new model is activated unconditionally';
        RETURN;
    END IF;
    SELECT * INTO active FROM steam_rec.models AS m WHERE m.active;
    SELECT * INTO candidate FROM steam_rec._maintenance_candidate();
    rule := format('activate when Recall@%s and NDCG@%s are at least (1 - %s) times the reference''s', k, k, tolerance);

    measured := steam_rec._maintenance_measure(candidate.algorithm, candidate.params, k);
    IF active.id IS NULL THEN
        source := 'none: no model is active';
    ELSIF active.algorithm <> candidate.algorithm OR active.params <> candidate.params THEN
        reference := steam_rec._maintenance_measure(active.algorithm, active.params, k);
        source := format('the configuration of active model %s, on the same split', active.id);
    ELSE
        SELECT l.evaluation -> 'candidate' INTO reference
          FROM steam_rec.maintenance_log AS l
         WHERE l.trained_model = active.id AND (l.evaluation ->> 'k')::integer = k
           AND l.evaluation -> 'candidate' IS NOT NULL
         ORDER BY l.id DESC LIMIT 1;
        source := CASE WHEN reference IS NULL
                       THEN format('none: active model %s has the same configuration and no recorded evaluation', active.id)
                       ELSE format('the evaluation recorded when active model %s was trained', active.id) END;
    END IF;

    IF measured IS NULL OR (measured ->> 'players')::integer = 0 THEN
        passed := true;
        sentence := 'no player could be measured (too little data for the held-out split: fewer than 5 players '
                    'own 5 games each): activated without a comparison';
    ELSIF reference IS NULL OR (reference ->> 'players')::integer = 0 THEN
        passed := true;
        sentence := format('Recall@%s %s, NDCG@%s %s; no reference (%s)', k, round((measured ->> 'recall')::numeric, 4),
                           k, round((measured ->> 'ndcg')::numeric, 4), source);
    ELSE
        passed := (measured ->> 'recall')::double precision >= (1 - tolerance) * (reference ->> 'recall')::double precision
              AND (measured ->> 'ndcg')::double precision >= (1 - tolerance) * (reference ->> 'ndcg')::double precision;
        sentence := format('Recall@%s %s, NDCG@%s %s against %s, %s (%s): %s', k,
                           round((measured ->> 'recall')::numeric, 4), k, round((measured ->> 'ndcg')::numeric, 4),
                           round((reference ->> 'recall')::numeric, 4), round((reference ->> 'ndcg')::numeric, 4), source,
                           CASE WHEN passed THEN format('not worse beyond the tolerance %s', tolerance)
                                ELSE format('worse beyond the tolerance %s', tolerance) END);
    END IF;

    UPDATE steam_rec.maintenance_log AS l
       SET evaluation = jsonb_build_object('rule', rule, 'k', k, 'holdout', 0.2, 'seed', 42, 'min_games', 5,
                                           'target', 'owned', 'tolerance', tolerance, 'candidate', measured,
                                           'reference', reference, 'reference_source', source, 'passed', passed),
           decision = CASE WHEN passed THEN 'retrain' ELSE 'rejected' END,
           reason = l.reason || '; evaluation: ' || sentence
     WHERE l.id = run_id;
    step_rows := (measured ->> 'players')::bigint;
    step_detail := CASE WHEN passed THEN 'passed: ' ELSE 'rejected: ' END || sentence;
END
$$;

-- Step train: trains the new model when the decision and the evaluation
-- allow; train() stores and activates it in this step's transaction.
CREATE FUNCTION steam_rec._maintain_train(run_id bigint, OUT step_rows bigint, OUT step_detail text)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    decided text;
    candidate record;
    new_id bigint;
    trained steam_rec.models;
BEGIN
    SELECT l.decision INTO decided FROM steam_rec.maintenance_log AS l WHERE l.id = run_id;
    IF decided IS DISTINCT FROM 'retrain' THEN
        step_detail := CASE decided WHEN 'rejected' THEN 'skipped: the evaluation rejected the new model'
                                    ELSE 'skipped: no retrain needed' END;
        RETURN;
    END IF;
    -- The evaluation compared against the model active then; a model activated
    -- by hand since (a rollback, say) is not overridden by this run.
    IF (SELECT m.id FROM steam_rec.models AS m WHERE m.active) IS DISTINCT FROM
       (SELECT l.active_model_before FROM steam_rec.maintenance_log AS l WHERE l.id = run_id) THEN
        step_detail := 'skipped: another model was activated since the evaluation';
        RETURN;
    END IF;
    SELECT * INTO candidate FROM steam_rec._maintenance_candidate();
    new_id := steam_rec.train(candidate.algorithm, candidate.params);
    SELECT * INTO trained FROM steam_rec.models AS m WHERE m.id = new_id;
    UPDATE steam_rec.maintenance_log AS l SET trained_model = trained.id, decision = 'activated' WHERE l.id = run_id;
    step_rows := trained.interactions;
    step_detail := format('model %s (%s) trained on %s owned games in %s s and activated', trained.id,
                          trained.algorithm, trained.interactions, round(trained.seconds::numeric, 1));
END
$$;

-- Runs one step of maintain() and appends its rows, seconds and outcome to the
-- run's log row, in the step's own transaction; reports it as a NOTICE.
CREATE FUNCTION steam_rec._maintain_step(run_id bigint, step text) RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    started timestamptz := clock_timestamp();
    step_rows bigint;
    step_detail text;
    k integer;
    seconds double precision;
BEGIN
    CASE step
    WHEN 'refresh_engagement' THEN
        step_rows := steam_rec.refresh_engagement();
        step_detail := format('%s owned games rescored', step_rows);
    WHEN 'decide' THEN
        SELECT * INTO step_rows, step_detail FROM steam_rec._maintain_decide(run_id);
    WHEN 'evaluate' THEN
        SELECT * INTO step_rows, step_detail FROM steam_rec._maintain_evaluate(run_id);
    WHEN 'train' THEN
        SELECT * INTO step_rows, step_detail FROM steam_rec._maintain_train(run_id);
    WHEN 'refresh_recommendations' THEN
        k := steam_rec._maintenance_setting('recommendations_k')::integer;
        IF k = 0 THEN
            step_detail := 'skipped: the recommendations_k setting is 0';
        ELSIF NOT EXISTS (SELECT FROM steam_rec.models AS m WHERE m.active) THEN
            step_detail := 'skipped: no model is active';
        ELSE
            step_rows := steam_rec.refresh_recommendations(NULL, k);
            step_detail := format('%s recommendations written (top %s of every player)', step_rows, k);
        END IF;
    WHEN 'prune_models' THEN
        SELECT count(*), 'deleted model(s) ' || coalesce(string_agg(p.id::text, ', ' ORDER BY p.id), 'none')
          INTO step_rows, step_detail
          FROM steam_rec.prune_models() AS p;
    END CASE;
    seconds := extract(epoch FROM clock_timestamp() - started);
    UPDATE steam_rec.maintenance_log AS l
       SET steps = l.steps || jsonb_build_array(jsonb_build_object('step', step, 'rows', step_rows,
                                                'seconds', round(seconds::numeric, 3), 'detail', step_detail))
     WHERE l.id = run_id;
    RAISE NOTICE 'maintain: %: % (% s)', step, step_detail, round(seconds::numeric, 1);
END
$$;

-- Starts a run: a run still marked running died with its session (the lock
-- this caller holds would otherwise be taken), so it is marked interrupted.
CREATE FUNCTION steam_rec._maintain_begin() RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    run_id bigint;
BEGIN
    UPDATE steam_rec.maintenance_log AS l
       SET status = 'interrupted',
           error = 'the session running it ended before the run finished (terminated, crashed or disconnected)'
     WHERE l.status = 'running';
    INSERT INTO steam_rec.maintenance_log (active_model_before)
    VALUES ((SELECT m.id FROM steam_rec.models AS m WHERE m.active))
    RETURNING id INTO run_id;
    RAISE NOTICE 'maintain: run % started', run_id;
    RETURN run_id;
END
$$;

-- Logs a call that found another run holding the lock, and says so.
CREATE FUNCTION steam_rec._maintain_skipped(lock_key bigint) RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    holder integer;
    running bigint;
BEGIN
    SELECT l.pid INTO holder FROM pg_locks AS l
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
       AND l.classid = (lock_key >> 32)::oid AND l.objid = (lock_key & 4294967295)::oid
     LIMIT 1;
    SELECT max(l.id) INTO running FROM steam_rec.maintenance_log AS l WHERE l.status = 'running';
    INSERT INTO steam_rec.maintenance_log (finished_at, status, reason)
    VALUES (clock_timestamp(), 'skipped',
            format('another maintain() is running (process %s, run %s)', coalesce(holder::text, '?'),
                   coalesce(running::text, '?')));
    RAISE NOTICE 'maintain: skipped: another maintain() is running (process %, run %)',
                 coalesce(holder::text, '?'), coalesce(running::text, '?')
        USING HINT = 'It is logged in steam_rec.maintenance_log; this call changed nothing else.';
END
$$;

-- Ends a run: succeeded, or failed / cancelled in the named step.
CREATE FUNCTION steam_rec._maintain_finish(run_id bigint, failed_step text, failed_state text, failed_message text)
    RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    run steam_rec.maintenance_log;
BEGIN
    UPDATE steam_rec.maintenance_log AS l
       SET finished_at = clock_timestamp(),
           status = CASE WHEN $2 IS NULL THEN 'succeeded' WHEN $3 = '57014' THEN 'cancelled' ELSE 'failed' END,
           failed_step = $2, error = $4, error_sqlstate = $3,
           active_model_after = (SELECT m.id FROM steam_rec.models AS m WHERE m.active)
     WHERE l.id = run_id
    RETURNING * INTO run;
    RAISE NOTICE 'maintain: run % %: %; active model %', run_id, run.status,
                 coalesce(run.decision, 'no decision'), coalesce(run.active_model_after::text, 'none');
END
$$;

CREATE FUNCTION steam_rec._refuse_in_transaction_block(what text) RETURNS void
    LANGUAGE c VOLATILE
    AS 'MODULE_PATHNAME', 'steam_rec_refuse_in_transaction_block';
COMMENT ON FUNCTION steam_rec._refuse_in_transaction_block(text) IS
    'Refuses to run inside a transaction block (used by procedures that commit between steps).';

-- Releases maintain()'s session lock however many times this session holds
-- it: a cancel that lands between two statements of maintain() (outside its
-- exception blocks) leaves a hold behind, which would make every later run of
-- any session skip.
CREATE FUNCTION steam_rec._maintain_unlock(lock_key bigint) RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    WHILE EXISTS (SELECT FROM pg_catalog.pg_locks AS l
                   WHERE l.locktype OPERATOR(pg_catalog.=) 'advisory'
                     AND l.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()
                     AND l.classid OPERATOR(pg_catalog.=) (lock_key >> 32)::oid
                     AND l.objid OPERATOR(pg_catalog.=) (lock_key & 4294967295)::oid
                     AND l.objsubid OPERATOR(pg_catalog.=) 1) LOOP
        PERFORM pg_catalog.pg_advisory_unlock(lock_key);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION steam_rec._maintain_unlock(bigint) FROM PUBLIC;

-- The nightly job.  A procedure, so each step commits on its own: a cancel or
-- crash loses only the step it interrupts, and the previous model stays
-- active until the step that trains the new one commits.  A second call while
-- one runs is logged as skipped.  No SET clause (a procedure that commits
-- cannot have one): every name is schema-qualified.
CREATE PROCEDURE steam_rec.maintain()
    LANGUAGE plpgsql
    AS $$
DECLARE
    lock_key constant bigint := 8319385880782270068;  -- 'steammnt'
    run_id bigint;
    step text;
    failed_step text;
    failed_state text;
    failed_message text;
    failed_detail text;
    failed_hint text;
BEGIN
    PERFORM steam_rec._refuse_in_transaction_block('CALL steam_rec.maintain()');
    IF NOT pg_catalog.pg_try_advisory_lock(lock_key) THEN
        PERFORM steam_rec._maintain_skipped(lock_key);
        RETURN;
    END IF;
    -- The lock is held by the session: every error from here on releases it.
    BEGIN
        run_id := steam_rec._maintain_begin();
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM steam_rec._maintain_unlock(lock_key);
        RAISE;
    END;
    COMMIT;
    FOREACH step IN ARRAY ARRAY['refresh_engagement', 'decide', 'evaluate', 'train',
                                'refresh_recommendations', 'prune_models'] LOOP
        BEGIN
            PERFORM steam_rec._maintain_step(run_id, step);
        EXCEPTION WHEN OTHERS OR query_canceled THEN
            GET STACKED DIAGNOSTICS failed_state = RETURNED_SQLSTATE, failed_message = MESSAGE_TEXT,
                                    failed_detail = PG_EXCEPTION_DETAIL;
            failed_step := step;
        END;
        EXIT WHEN failed_step IS NOT NULL;
        COMMIT;
    END LOOP;
    BEGIN
        PERFORM steam_rec._maintain_finish(run_id, failed_step, failed_state, failed_message);
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM steam_rec._maintain_unlock(lock_key);
        RAISE;
    END;
    COMMIT;
    PERFORM steam_rec._maintain_unlock(lock_key);
    IF failed_step IS NOT NULL THEN
        failed_message := pg_catalog.format('maintain() stopped in step %s: %s', failed_step, failed_message);
        failed_hint := pg_catalog.format('The model active before this step stays active. '
                                         'SELECT * FROM steam_rec.maintenance_log WHERE id = %s shows the run.', run_id);
        IF pg_catalog.length(failed_detail) OPERATOR(pg_catalog.>) 0 THEN
            RAISE EXCEPTION USING ERRCODE = failed_state, MESSAGE = failed_message, DETAIL = failed_detail,
                                  HINT = failed_hint;
        END IF;
        RAISE EXCEPTION USING ERRCODE = failed_state, MESSAGE = failed_message, HINT = failed_hint;
    END IF;
END
$$;
COMMENT ON PROCEDURE steam_rec.maintain() IS
    'The maintenance job (CALL steam_rec.maintain(), outside a transaction block): refresh_engagement(), then a '
    'new model when the data changed enough or the model is old (see maintenance_settings()), evaluated against '
    'a reference before it is activated, then refresh_recommendations() and prune_models(). Each step commits; '
    'every run is logged in steam_rec.maintenance_log; a second call while one runs is skipped with a NOTICE.';
REVOKE ALL ON PROCEDURE steam_rec.maintain() FROM PUBLIC;

-- The top 10 the active model gives each of the players, as {steam_id: [appids]}.
CREATE FUNCTION steam_rec._top10_lists(steam_ids bigint[]) RETURNS jsonb
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT coalesce(jsonb_object_agg(p.steam_id::text,
                                     (SELECT coalesce(jsonb_agg(r.appid ORDER BY r.rank), '[]')
                                        FROM steam_rec.recommend(p.steam_id, 10) AS r)), '{}')
      FROM unnest($1) AS p(steam_id)
$$;

-- Coverage (share of the owned games that appear in any list) and the mean
-- popularity rank (1 = the most owned game) of the games in a set of lists.
CREATE FUNCTION steam_rec._list_stats(lists jsonb, OUT coverage real, OUT mean_popularity_rank real)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    WITH ranks AS (
        SELECT u.appid, rank() OVER (ORDER BY count(*) DESC) AS popularity_rank
          FROM steam_rec.user_games AS u GROUP BY u.appid
    ), listed AS (
        SELECT g.value::integer AS appid
          FROM jsonb_each($1) AS l CROSS JOIN LATERAL jsonb_array_elements_text(l.value) AS g
    )
    SELECT (count(DISTINCT listed.appid)::double precision / greatest((SELECT count(*) FROM ranks), 1))::real,
           avg(coalesce(ranks.popularity_rank, (SELECT count(*) FROM ranks) + 1))::real
      FROM listed LEFT JOIN ranks USING (appid)
$$;

-- The share of players whose set of 10 games differs between two sets of lists.
CREATE FUNCTION steam_rec._changed_list_share(lists jsonb, other jsonb) RETURNS real
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT avg(CASE WHEN ARRAY(SELECT x FROM jsonb_array_elements_text(l.value) AS x ORDER BY x)
                       = ARRAY(SELECT x FROM jsonb_array_elements_text($2 -> l.key) AS x ORDER BY x)
                    THEN 0 ELSE 1 END)::real
      FROM jsonb_each($1) AS l
$$;

-- What a model is, how it was evaluated, how its recommendations differ from
-- the active model's for a seeded sample of players, and how the data drifted
-- since it was trained.  To rank with a model that is not active, the model is
-- made active inside a subtransaction that is rolled back: no other session
-- ever sees the switch, and no row changes.
CREATE FUNCTION steam_rec.model_report(id bigint DEFAULT NULL, sample_players integer DEFAULT 1000)
    RETURNS TABLE (model_id bigint, algorithm text, params jsonb, active boolean, pinned boolean,
                   trained_at timestamptz, seconds real, training_rows bigint, players integer, games integer,
                   size_bytes bigint, evaluation jsonb,
                   compared_with bigint, compared_players integer, top10_changed_share real,
                   coverage real, active_coverage real, mean_popularity_rank real, active_mean_popularity_rank real,
                   new_players bigint, new_games bigint, new_rows bigint, deleted_rows bigint, played_rows bigint,
                   changed_share real)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    target steam_rec.models;
    active_id bigint;
    sample bigint[];
    model_lists jsonb;
    active_lists jsonb;
    stats record;
    drift record;
BEGIN
    IF sample_players IS NULL OR sample_players < 0 OR sample_players > 100000 THEN
        RAISE EXCEPTION 'sample_players must be between 0 and 100000, not %', coalesce(sample_players::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'It is how many players'' top 10 are compared; 0 compares none.';
    END IF;
    SELECT m.id INTO active_id FROM steam_rec.models AS m WHERE m.active;
    IF $1 IS NULL AND active_id IS NULL THEN
        RAISE EXCEPTION 'no trained model is active' USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Name a model: SELECT id FROM steam_rec.models lists them.';
    END IF;
    SELECT * INTO target FROM steam_rec.models AS m WHERE m.id = coalesce($1, active_id);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'model % does not exist', $1
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT id, algorithm, trained_at, active FROM steam_rec.models lists the models.';
    END IF;

    model_id := target.id;
    algorithm := target.algorithm;
    params := target.params;
    active := target.active;
    pinned := coalesce((SELECT g.pinned FROM steam_rec.model_governance AS g WHERE g.model_id = target.id), false);
    trained_at := target.trained_at;
    seconds := target.seconds;
    training_rows := target.interactions;
    players := target.players;
    games := target.games;
    size_bytes := coalesce((SELECT sum(pg_column_size(g.*)) FROM steam_rec.model_games AS g
                             WHERE g.model_id = target.id), 0)
                + coalesce((SELECT sum(pg_column_size(t.*)) FROM steam_rec.model_tags AS t
                             WHERE t.model_id = target.id), 0);
    evaluation := (SELECT l.evaluation FROM steam_rec.maintenance_log AS l
                    WHERE l.trained_model = target.id AND l.evaluation IS NOT NULL ORDER BY l.id DESC LIMIT 1);

    SELECT * INTO drift FROM steam_rec._model_drift(target.id);
    new_players := drift.new_players;
    new_games := drift.new_games;
    new_rows := drift.new_rows;
    deleted_rows := drift.deleted_rows;
    played_rows := drift.played_rows;
    changed_share := drift.changed_share;

    IF sample_players > 0 THEN
        sample := ARRAY(SELECT u.steam_id FROM steam_rec.users AS u
                         ORDER BY hashint8(u.steam_id), u.steam_id LIMIT sample_players);
        compared_players := cardinality(sample);
        IF active_id IS NOT NULL THEN
            active_lists := steam_rec._top10_lists(sample);
        END IF;
        IF target.id = active_id THEN
            model_lists := active_lists;
        ELSE
            BEGIN
                UPDATE steam_rec.models AS m SET active = false WHERE m.active;
                UPDATE steam_rec.models AS m SET active = true WHERE m.id = target.id;
                model_lists := steam_rec._top10_lists(sample);
                RAISE EXCEPTION USING ERRCODE = 'SRR01';  -- undoes the switch
            EXCEPTION WHEN SQLSTATE 'SRR01' THEN
                NULL;
            END;
        END IF;
        SELECT * INTO stats FROM steam_rec._list_stats(model_lists);
        coverage := stats.coverage;
        mean_popularity_rank := stats.mean_popularity_rank;
        IF active_id IS NOT NULL THEN
            compared_with := active_id;
            top10_changed_share := steam_rec._changed_list_share(model_lists, active_lists);
            SELECT * INTO stats FROM steam_rec._list_stats(active_lists);
            active_coverage := stats.coverage;
            active_mean_popularity_rank := stats.mean_popularity_rank;
        END IF;
    END IF;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION steam_rec.model_report(bigint, integer) IS
    'One model (default: the active one): algorithm, parameters, training rows, players, games, stored size, '
    'seconds; its evaluation by maintain(); against the active model for a seeded sample of players: the share '
    'whose top 10 changes, coverage and mean popularity rank of the recommended games; and the drift since it '
    'was trained (new players, games the model does not know, new, deleted and played rows).';
REVOKE ALL ON FUNCTION steam_rec.model_report(bigint, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION steam_rec._top10_lists(bigint[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION steam_rec._maintain_step(bigint, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION steam_rec._maintain_decide(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION steam_rec._maintain_evaluate(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION steam_rec._maintain_train(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION steam_rec._maintain_begin() FROM PUBLIC;
REVOKE ALL ON FUNCTION steam_rec._maintain_skipped(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION steam_rec._maintain_finish(bigint, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION steam_rec._maintenance_measure(text, jsonb, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION steam_rec._maintenance_candidate() FROM PUBLIC;
REVOKE ALL ON FUNCTION steam_rec._list_stats(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION steam_rec._existing_model(bigint) FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('steam_rec.maintenance_changed_settings', '');
SELECT pg_catalog.pg_extension_config_dump('steam_rec.maintenance_log', '');
SELECT pg_catalog.pg_extension_config_dump('steam_rec.maintenance_log_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('steam_rec.model_governance', '');

-- Put back what a downgrade to 1.4 stashed.
INSERT INTO steam_rec.maintenance_changed_settings
SELECT r.* FROM steam_rec.migration_stash AS s
 CROSS JOIN LATERAL pg_catalog.jsonb_populate_record(NULL::steam_rec.maintenance_changed_settings, s.payload) AS r
 WHERE s.item = 'maintenance_changed_settings';
INSERT INTO steam_rec.maintenance_log
SELECT r.* FROM steam_rec.migration_stash AS s
 CROSS JOIN LATERAL pg_catalog.jsonb_populate_record(NULL::steam_rec.maintenance_log, s.payload) AS r
 WHERE s.item = 'maintenance_log';
INSERT INTO steam_rec.model_governance
SELECT r.* FROM steam_rec.migration_stash AS s
 CROSS JOIN LATERAL pg_catalog.jsonb_populate_record(NULL::steam_rec.model_governance, s.payload) AS r
 WHERE s.item = 'model_governance'
   AND EXISTS (SELECT FROM steam_rec.models AS m WHERE m.id = r.model_id);  -- a model deleted at 1.4 keeps no pin
SELECT pg_catalog.setval('steam_rec.maintenance_log_id_seq',
                         (s.payload ->> 'last_value')::bigint,
                         (s.payload ->> 'is_called')::boolean)
  FROM steam_rec.migration_stash AS s
 WHERE s.item = 'maintenance_log_id_seq';
DELETE FROM steam_rec.migration_stash
 WHERE item IN ('maintenance_changed_settings', 'maintenance_log', 'model_governance', 'maintenance_log_id_seq');

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
