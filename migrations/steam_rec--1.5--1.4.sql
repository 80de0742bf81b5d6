-- steam_rec 1.5 -> 1.4: undoes every change of 1.5; data of 1.5's tables is stashed for the next upgrade.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.4'" to load this file. \quit

-- Issue 15: back to the one-number model_cache_bytes() of 1.4, without model_image().
DROP FUNCTION steam_rec.model_image();
DROP FUNCTION steam_rec.model_cache_bytes();
CREATE FUNCTION steam_rec.model_cache_bytes() RETURNS bigint
    LANGUAGE c VOLATILE PARALLEL RESTRICTED
    AS 'MODULE_PATHNAME', 'steam_rec_model_cache_bytes';
COMMENT ON FUNCTION steam_rec.model_cache_bytes() IS
    'Bytes this backend holds for the model it serves recommendations from (0 before its first call).';

-- ---------------------------------------------------------------------------
-- Operations (issue 16): removes maintain() and model governance.  The
-- settings, the maintenance log and the pins and data marks are stashed in
-- steam_rec.migration_stash and restored by the next upgrade.
-- ---------------------------------------------------------------------------
SELECT steam_rec._stash_must_be_empty('1.5',
    '{maintenance_changed_settings,maintenance_log,model_governance,maintenance_log_id_seq}');
INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'maintenance_changed_settings', pg_catalog.to_jsonb(s) FROM steam_rec.maintenance_changed_settings AS s;
INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'maintenance_log', pg_catalog.to_jsonb(l) FROM steam_rec.maintenance_log AS l;
INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'model_governance', pg_catalog.to_jsonb(g) FROM steam_rec.model_governance AS g;
INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'maintenance_log_id_seq', pg_catalog.jsonb_build_object('last_value', last_value, 'is_called', is_called)
  FROM steam_rec.maintenance_log_id_seq
 WHERE is_called;
SELECT steam_rec._report_stash('1.5', '{maintenance_changed_settings,maintenance_log,model_governance}');

DROP PROCEDURE steam_rec.maintain();
DROP FUNCTION steam_rec._refuse_in_transaction_block(text);
DROP FUNCTION steam_rec.model_report(bigint, integer);
DROP FUNCTION steam_rec._changed_list_share(jsonb, jsonb);
DROP FUNCTION steam_rec._list_stats(jsonb);
DROP FUNCTION steam_rec._top10_lists(bigint[]);
DROP FUNCTION steam_rec._maintain_finish(bigint, text, text, text);
DROP FUNCTION steam_rec._maintain_skipped(bigint);
DROP FUNCTION steam_rec._maintain_unlock(bigint);
DROP FUNCTION steam_rec._maintain_begin();
DROP FUNCTION steam_rec._maintain_step(bigint, text);
DROP FUNCTION steam_rec._maintain_train(bigint);
DROP FUNCTION steam_rec._maintain_evaluate(bigint);
DROP FUNCTION steam_rec._maintenance_measure(text, jsonb, integer);
DROP FUNCTION steam_rec._maintain_decide(bigint);
DROP FUNCTION steam_rec._duration_text(interval);
DROP FUNCTION steam_rec._maintenance_candidate();
DROP FUNCTION steam_rec._model_drift(bigint);
DROP FUNCTION steam_rec.prune_models(integer);
DROP FUNCTION steam_rec.unpin_model(bigint);
DROP FUNCTION steam_rec.pin_model(bigint, text);
DROP FUNCTION steam_rec._existing_model(bigint);
DROP TRIGGER models_mark_data ON steam_rec.models;
DROP TRIGGER models_delete_governance ON steam_rec.models;
DROP TRIGGER models_truncate_governance ON steam_rec.models;
DROP FUNCTION steam_rec._mark_model_data();
DROP FUNCTION steam_rec._delete_model_governance();
DROP FUNCTION steam_rec.set_maintenance_setting(text, text);
DROP FUNCTION steam_rec.maintenance_settings();
DROP FUNCTION steam_rec._maintenance_setting(text);
DROP FUNCTION steam_rec._maintenance_setting_checked(text, text);
ALTER EXTENSION steam_rec DROP TABLE steam_rec.maintenance_log;
ALTER EXTENSION steam_rec DROP SEQUENCE steam_rec.maintenance_log_id_seq;
ALTER EXTENSION steam_rec DROP TABLE steam_rec.model_governance;
ALTER EXTENSION steam_rec DROP TABLE steam_rec.maintenance_changed_settings;
DROP TABLE steam_rec.maintenance_log;
DROP TABLE steam_rec.model_governance;
DROP TABLE steam_rec.maintenance_changed_settings;
DROP FUNCTION steam_rec._maintenance_setting_defaults();

-- #4 activate_model() as in 1.4: without the lock that serialises activations.
CREATE OR REPLACE FUNCTION steam_rec.activate_model(id bigint) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF id IS NULL THEN
        RAISE EXCEPTION 'model id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT EXISTS (SELECT FROM steam_rec.models AS m WHERE m.id = activate_model.id) THEN
        RAISE EXCEPTION 'model % does not exist', id
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT id, algorithm, trained_at, active FROM steam_rec.models lists the models.';
    END IF;
    UPDATE steam_rec.models AS m SET active = false WHERE m.active AND m.id <> activate_model.id;
    UPDATE steam_rec.models AS m SET active = true WHERE m.id = activate_model.id AND NOT m.active;
END
$$;

-- Issue 13 (suspected): adopt_alembic() as 1.4 had it.
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
BEGIN
    IF to_regnamespace(quote_ident(source_schema)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" does not exist', source_schema USING ERRCODE = 'invalid_schema_name';
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

-- Issue 13 #9: migration_status() as 1.4 had it.  The event triggers that
-- keep privileges belong to every version and stay.
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
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION steam_rec.migration_status() IS
    'Installed, newest, default and library versions, the steps pending to the newest, and warnings: '
    'SQL/library skew, member tables not marked for pg_dump, schema changed outside the scripts.';

-- Issue 13 #6 and #12: the DROP guard as 1.4 had it.
DROP EVENT TRIGGER steam_rec_guard_drop;
DROP FUNCTION steam_rec._guard_drop();
CREATE FUNCTION steam_rec._guard_drop() RETURNS event_trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    rows_lost bigint;
BEGIN
    IF current_query() !~* '\mdrop\s+(extension|schema)\s[^;]*\msteam_rec\M' THEN
        RETURN;
    END IF;
    IF lower(coalesce(current_setting('steam_rec.allow_drop', true), 'off')) IN ('on', 'true', 'yes', '1') THEN
        RETURN;
    END IF;
    SELECT coalesce(sum(value::bigint), 0) INTO rows_lost
      FROM jsonb_each_text(steam_rec._row_counts() - 'steam_rec.applied_migrations');
    IF rows_lost > 0 THEN
        RAISE EXCEPTION 'dropping steam_rec would delete % row(s) of its tables', rows_lost
            USING ERRCODE = 'dependent_objects_still_exist',
                  DETAIL = 'DROP EXTENSION drops the extension''s tables (users, user_games, catalog_cache, '
                           'recommendations and the rest) with every row in them.',
                  HINT = 'Take a dump first (pg_dump -Fc), then SET steam_rec.allow_drop = on; and drop again.';
    END IF;
END
$$;
CREATE EVENT TRIGGER steam_rec_guard_drop ON ddl_command_start
    WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA')
    EXECUTE FUNCTION steam_rec._guard_drop();

-- Review of issue 13: the trigger that keeps non-superusers from writing the
-- privilege stash belongs to every version (the base script creates it) and stays.

-- Issue 14 #1: the CHECK on models.algorithm as 1.4 had it.  A model of an
-- algorithm 1.4 does not know would violate it: refuse rather than delete it.
DO $known$
DECLARE
    unknown text;
BEGIN
    SELECT string_agg(DISTINCT format('%s (%s model(s))', m.algorithm, c.n), ', ') INTO unknown
      FROM steam_rec.models AS m
      JOIN (SELECT algorithm, count(*) AS n FROM steam_rec.models GROUP BY algorithm) AS c USING (algorithm)
     WHERE m.algorithm NOT IN ('popularity', 'itemknn', 'ease', 'ials', 'content', 'hybrid');
    IF unknown IS NOT NULL THEN
        RAISE EXCEPTION 'cannot downgrade steam_rec to 1.4: steam_rec.models holds algorithms 1.4 does not know: %', unknown
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Delete those models (DELETE FROM steam_rec.models WHERE algorithm = ...) or stay on 1.5. '
                         'Nothing was changed.';
    END IF;
END
$known$;
ALTER TABLE steam_rec.models ADD CONSTRAINT models_algorithm_must_be_known
    CHECK (algorithm IN ('popularity', 'itemknn', 'ease', 'ials', 'content', 'hybrid'));
DROP FUNCTION steam_rec.algorithms();

-- Last: the log records the schema as this step leaves it.
SELECT steam_rec._log_migration('1.5', '1.4');
