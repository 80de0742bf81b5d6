-- steam_rec 1.6 -> 1.5: undoes 1.6, later sections first.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.5'" to load this file. \quit

-- The covering index of a player's games is new in 1.6; run by EXECUTE, as it
-- was created (see there).  Dropped first: its ACCESS EXCLUSIVE lock on
-- user_games waits for a train() reading the table, and taken after the
-- update of models below, the training's lock on models to activate its
-- model would wait for this script in turn (a deadlock).
DO $$
BEGIN
    EXECUTE 'DROP INDEX IF EXISTS steam_rec.user_games_player_games';
END
$$;

-- On a Citus cluster models is a reference table: the coordinator's update
-- below writes every node's copy, and a worker, to which Citus sends the
-- ALTER EXTENSION too, must not write it again (it may not: a distributed
-- write inside a command the coordinator sent).
DO $$
BEGIN
    -- Nested: without Citus its catalogs do not exist, and one expression
    -- naming them would fail to plan.
    IF to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        IF EXISTS (SELECT FROM pg_catalog.pg_dist_partition WHERE logicalrelid = 'steam_rec.models'::regclass)
           AND (SELECT groupid FROM pg_catalog.pg_dist_local_group) <> 0 THEN
            RETURN;
        END IF;
    END IF;
    -- Models stored before 1.6 lacked new_game_weight, tag_popularity_exponent,
    -- tag_ridge_weight, studio_weight, series_weight, name_word_weight,
    -- release_years_scale and the catalog_*_weight keys: the zeros 1.6 wrote go
    -- again (1.6 reads a missing key as 0, so nothing changes in what they
    -- serve); other values stay.
    UPDATE steam_rec.models AS m
       SET params = m.params - 'release_years_scale'
     WHERE m.algorithm = 'hybrid' AND m.params -> 'release_years_scale' = '0';
    UPDATE steam_rec.models AS m
       SET params = m.params - 'catalog_name_weight' - 'catalog_studio_weight' - 'catalog_series_weight'
     WHERE (m.algorithm = 'ease' OR (m.algorithm = 'hybrid' AND coalesce(m.params ->> 'base', 'ease') = 'ease'))
       AND m.params -> 'catalog_name_weight' = '0' AND m.params -> 'catalog_studio_weight' = '0'
       AND m.params -> 'catalog_series_weight' = '0';
    UPDATE steam_rec.models AS m
       SET params = m.params - 'name_word_weight'
     WHERE m.algorithm = 'hybrid' AND m.params -> 'name_word_weight' = '0';
    UPDATE steam_rec.models AS m
       SET params = m.params - 'studio_weight'
     WHERE m.algorithm = 'hybrid' AND m.params -> 'studio_weight' = '0';
    UPDATE steam_rec.models AS m
       SET params = m.params - 'series_weight'
     WHERE m.algorithm = 'hybrid' AND m.params -> 'series_weight' = '0';
    UPDATE steam_rec.models AS m
       SET params = m.params - 'tag_ridge_weight'
     WHERE m.algorithm = 'hybrid' AND m.params -> 'tag_ridge_weight' = '0';
    UPDATE steam_rec.models AS m
       SET params = m.params - 'tag_popularity_exponent'
     WHERE m.algorithm IN ('content', 'hybrid') AND m.params -> 'tag_popularity_exponent' = '0';
    UPDATE steam_rec.models AS m
       SET params = m.params - 'new_game_weight'
     WHERE m.algorithm = 'hybrid' AND m.params -> 'new_game_weight' = '0';

    -- Models stored before 1.6 lacked the RDLAE keys: the zeros 1.6 wrote into
    -- them go again (a model trained with other values keeps them; 1.6 reads a
    -- missing key as 0, so nothing changes in what they serve).
    UPDATE steam_rec.models AS m
       SET params = m.params - 'dropout' - 'diagonal_relaxation'
     WHERE (m.algorithm = 'ease' OR (m.algorithm = 'hybrid' AND coalesce(m.params ->> 'base', 'ease') = 'ease'))
       AND m.params -> 'dropout' = '0' AND m.params -> 'diagonal_relaxation' = '0';
END
$$;

-- The governance rows' trigger as 1.5 has it.
CREATE OR REPLACE FUNCTION steam_rec._delete_model_governance() RETURNS trigger
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

-- pin_model(), unpin_model() and _list_stats() as 1.5 has them.
CREATE OR REPLACE FUNCTION steam_rec.pin_model(id bigint, note text DEFAULT NULL) RETURNS void
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

CREATE OR REPLACE FUNCTION steam_rec.unpin_model(id bigint) RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    UPDATE steam_rec.model_governance AS g SET pinned = false, pinned_at = NULL, pin_note = NULL
     WHERE g.model_id = steam_rec._existing_model($1);
END
$$;

CREATE OR REPLACE FUNCTION steam_rec._list_stats(lists jsonb, OUT coverage real, OUT mean_popularity_rank real)
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

-- model_report(), migrate() and adopt_alembic() as 1.5 has them.
CREATE OR REPLACE FUNCTION steam_rec.model_report(id bigint DEFAULT NULL, sample_players integer DEFAULT 1000)
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

CREATE OR REPLACE FUNCTION steam_rec.migrate(target text DEFAULT 'head', dry_run boolean DEFAULT false)
    RETURNS TABLE (kind text, object text, detail text)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    installed text := steam_rec._installed_version();
    wanted text := steam_rec._resolve_target(target);
    facts_before text[];
    rows_before jsonb;
    report text[] := '{}';
    line text[];
BEGIN
    IF wanted = installed THEN
        RETURN QUERY SELECT 'nothing to do'::text, 'steam_rec'::text, format('already at %s', installed);
        RETURN;
    END IF;
    RETURN QUERY SELECT 'step'::text, p.script, format('%s %s -> %s', p.direction, p.from_version, p.to_version)
                   FROM steam_rec.migration_plan(wanted) AS p ORDER BY p.step;
    IF NOT dry_run THEN
        EXECUTE format('ALTER EXTENSION steam_rec UPDATE TO %L', wanted);
        RETURN QUERY SELECT 'version'::text, 'steam_rec'::text, format('%s -> %s', installed, wanted);
        RETURN;
    END IF;

    facts_before := steam_rec._schema_facts();
    rows_before := steam_rec._row_counts();
    BEGIN
        EXECUTE format('ALTER EXTENSION steam_rec UPDATE TO %L', wanted);
        report := report || ARRAY(
            SELECT concat_ws(E'\x1f', 'adds', fact, '')
              FROM (SELECT unnest(steam_rec._schema_facts()) EXCEPT SELECT unnest(facts_before)) AS f(fact)
            UNION ALL
            SELECT concat_ws(E'\x1f', 'removes', fact, '')
              FROM (SELECT unnest(facts_before) EXCEPT SELECT unnest(steam_rec._schema_facts())) AS f(fact)
            UNION ALL
            SELECT concat_ws(E'\x1f', 'rows', coalesce(a.key, b.key),
                             format('%s -> %s', coalesce(b.value, '(no table)'), coalesce(a.value, '(no table)')))
              FROM jsonb_each_text(steam_rec._row_counts()) AS a
              FULL JOIN jsonb_each_text(rows_before) AS b ON a.key = b.key
             WHERE a.value IS DISTINCT FROM b.value
            UNION ALL
            SELECT concat_ws(E'\x1f', 'lock', l.relation::regclass::text,
                             string_agg(DISTINCT l.mode, ', ' ORDER BY l.mode))
              FROM pg_locks AS l JOIN pg_class AS c ON c.oid = l.relation
             WHERE l.pid = pg_backend_pid() AND l.granted AND c.relnamespace = 'steam_rec'::regnamespace
               AND c.relkind IN ('r', 'p')
             GROUP BY l.relation);
        RAISE EXCEPTION USING ERRCODE = 'SRDRY', MESSAGE = 'dry run: rolled back';
    EXCEPTION WHEN SQLSTATE 'SRDRY' THEN
        NULL;  -- everything the update did is undone; the report survives
    END;
    FOREACH line SLICE 1 IN ARRAY ARRAY(SELECT string_to_array(r, E'\x1f') FROM unnest(report) AS r ORDER BY 1) LOOP
        kind := line[1]; object := line[2]; detail := nullif(line[3], '');
        RETURN NEXT;
    END LOOP;
    RETURN QUERY SELECT 'dry run'::text, 'steam_rec'::text, format('rolled back: still at %s', installed);
END
$$;

CREATE OR REPLACE FUNCTION steam_rec.adopt_alembic(source_schema text DEFAULT 'public')
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

-- maintain()'s first step as 1.5 has it.
CREATE OR REPLACE FUNCTION steam_rec._maintain_begin() RETURNS bigint
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

-- maintain()'s train step as 1.5 has it.
CREATE OR REPLACE FUNCTION steam_rec._maintain_train(run_id bigint, OUT step_rows bigint, OUT step_detail text)
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

-- _resolve_target() as 1.0 has it, and migration_status() as 1.5 has it.
CREATE OR REPLACE FUNCTION steam_rec._resolve_target(target text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    versions text[] := steam_rec._available_versions();
    installed text := steam_rec._installed_version();
    position integer := array_position(versions, installed);
    wanted integer;
    valid_targets text := 'Use ''head'', ''base'', ''current'', ''+N'', ''-N'' or a version: '
                          || array_to_string(versions, ', ') || '.';
BEGIN
    IF target IS NULL OR target = '' THEN
        RAISE EXCEPTION 'a migration target is required' USING ERRCODE = 'invalid_parameter_value',
            HINT = valid_targets;
    END IF;
    IF lower(target) = 'head' THEN RETURN versions[cardinality(versions)]; END IF;
    IF lower(target) = 'base' THEN RETURN versions[1]; END IF;
    IF lower(target) = 'current' THEN RETURN installed; END IF;
    IF target ~ '^[+-][0-9]{1,9}$' THEN
        wanted := position + target::integer;
        IF wanted < 1 OR wanted > cardinality(versions) THEN
            RAISE EXCEPTION 'cannot move % version(s) from %: the available versions are %',
                            target, installed, array_to_string(versions, ', ')
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN versions[wanted];
    END IF;
    IF target = ANY (versions) THEN RETURN target; END IF;
    RAISE EXCEPTION 'unknown migration target "%"', target
        USING ERRCODE = 'invalid_parameter_value',
              HINT = valid_targets;
END
$$;
CREATE OR REPLACE FUNCTION steam_rec.migration_status()
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

-- _model_drift() as 1.5 has it.
CREATE OR REPLACE FUNCTION steam_rec._model_drift(model_id bigint,
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

-- train_params() and the check of maintain()'s algorithm and params are new in 1.6.
DROP TRIGGER maintenance_training_fits ON steam_rec.maintenance_changed_settings;
DROP FUNCTION steam_rec._check_maintenance_training();
DROP FUNCTION steam_rec._maintenance_training_misfit();
-- Leaving the extension first takes it out of pg_dump's marks too.
ALTER EXTENSION steam_rec DROP TABLE steam_rec.maintenance_training_checks;
DROP TABLE steam_rec.maintenance_training_checks;
DROP FUNCTION steam_rec.train_params(text, jsonb);

-- The partial-sum functions for training on Citus are new in 1.6.
DROP FUNCTION steam_rec.co_ownership_sums(text, jsonb, bytea);
DROP FUNCTION steam_rec.owned_game_totals(text, jsonb);

-- The maintenance setting check as 1.5 has it: its list of algorithms is
-- 1.5's (a stored "algorithm" setting stays, and the library still trains it).
DROP FUNCTION steam_rec._maintenance_setting_checked(text, text);
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

-- distribute() is new in 1.6.  A database it distributed keeps its form: the
-- tables, keys and function settings are not the extension script's to undo.
DROP FUNCTION steam_rec.distribute();
DROP FUNCTION steam_rec._log_distributed_form();

-- catalog_changes is new in 1.6.
-- A catalog_cache that distribute() made a Citus reference table has no
-- trigger, and Citus refuses even DROP TRIGGER IF EXISTS on it.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_trigger WHERE tgrelid = 'steam_rec.catalog_cache'::regclass
                                                   AND tgname = 'catalog_cache_count_changes') THEN
        DROP TRIGGER catalog_cache_count_changes ON steam_rec.catalog_cache;
        DROP TRIGGER catalog_cache_count_replicated_changes ON steam_rec.catalog_cache;
    END IF;
END
$$;
DROP FUNCTION steam_rec._count_catalog_change();
ALTER EXTENSION steam_rec DROP TABLE steam_rec.catalog_changes;
DROP TABLE steam_rec.catalog_changes;

-- migration_plan_sql() is new in 1.6.
DROP FUNCTION steam_rec.migration_plan_sql(text);

-- The fillfactor of 1.5 (in-place rewrites are new in 1.6), where 1.6 set
-- it: not on a table Citus distributes, nor where the table has another
-- fillfactor, which was chosen for it.
DO $$
BEGIN
    IF to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        IF EXISTS (SELECT FROM pg_catalog.pg_dist_partition
                    WHERE logicalrelid = 'steam_rec.recommendations'::regclass) THEN
            RETURN;
        END IF;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_class AS c, pg_catalog.unnest(c.reloptions) AS o(option)
                    WHERE c.oid = 'steam_rec.recommendations'::regclass
                      AND o.option OPERATOR(pg_catalog.=) 'fillfactor=50') THEN
        RETURN;
    END IF;
    ALTER TABLE steam_rec.recommendations RESET (fillfactor);
END
$$;

-- _citus_shards() is new in 1.6; _schema_facts() is 1.0's again.
CREATE OR REPLACE FUNCTION steam_rec._schema_facts() RETURNS text[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT coalesce(array_agg(fact ORDER BY fact), '{}') FROM (
        SELECT format('column %s.%s %s not null=%s default=%s identity=%s', c.relname, a.attname,
                      format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                      a.attidentity) AS fact
          FROM pg_class AS c
          JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          LEFT JOIN pg_attrdef AS d ON d.adrelid = c.oid AND d.adnum = a.attnum
         WHERE c.relnamespace = 'steam_rec'::regnamespace AND c.relkind = 'r'
        UNION ALL
        SELECT format('constraint %s.%s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
          FROM pg_constraint WHERE connamespace = 'steam_rec'::regnamespace
        UNION ALL
        SELECT format('index %s', pg_get_indexdef(i.indexrelid))
          FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid
         WHERE c.relnamespace = 'steam_rec'::regnamespace
        UNION ALL
        SELECT format('trigger %s', pg_get_triggerdef(t.oid))
          FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid
         WHERE c.relnamespace = 'steam_rec'::regnamespace AND NOT t.tgisinternal
        UNION ALL
        SELECT format('function %s', pg_get_functiondef(p.oid))
          FROM pg_proc AS p WHERE p.pronamespace = 'steam_rec'::regnamespace AND p.prokind IN ('f', 'p')
        UNION ALL
        SELECT format('member %s', pg_describe_object(classid, objid, 0))
          FROM pg_depend
         WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
           AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'steam_rec')
        UNION ALL
        SELECT format('dump mark %s', cfg::regclass)
          FROM pg_extension, unnest(extconfig) AS cfg WHERE extname = 'steam_rec'
    ) AS facts
$$;
DROP FUNCTION steam_rec._citus_shards();

-- Last: the log records the schema as this step leaves it.
SELECT steam_rec._log_migration('1.6', '1.5');
