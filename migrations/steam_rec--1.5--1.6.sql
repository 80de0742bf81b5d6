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
-- Citus allows no trigger on a reference table: in a database distribute()
-- has distributed, catalog_cache gets none and recommend() reads names row by
-- row (it keeps names only while the trigger fires).
DO $$
BEGIN
    IF to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        IF EXISTS (SELECT FROM pg_catalog.pg_dist_partition
                    WHERE logicalrelid = 'steam_rec.catalog_cache'::regclass) THEN
            RETURN;
        END IF;
    END IF;
    CREATE TRIGGER catalog_cache_count_changes
        BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON steam_rec.catalog_cache
        FOR EACH STATEMENT EXECUTE FUNCTION steam_rec._count_catalog_change();
    ALTER TABLE steam_rec.catalog_cache ENABLE ALWAYS TRIGGER catalog_cache_count_changes;
    CREATE TRIGGER catalog_cache_count_replicated_changes AFTER INSERT OR UPDATE OR DELETE ON steam_rec.catalog_cache
        FOR EACH ROW EXECUTE FUNCTION steam_rec._count_catalog_change();
    ALTER TABLE steam_rec.catalog_cache ENABLE REPLICA TRIGGER catalog_cache_count_replicated_changes;
END
$$;

-- Logs this node's schema as a step of its own (direction adopt, script
-- distribute()): migration_status() compares with it, so what distribute()
-- changes on purpose is not reported as changed outside the scripts, while
-- a change made after it is.  As with any step, a change made before it is
-- taken in.
CREATE FUNCTION steam_rec._log_distributed_form() RETURNS void
    LANGUAGE sql
    SET search_path = pg_catalog, pg_temp
    AS $$
    INSERT INTO steam_rec.applied_migrations (from_version, to_version, direction, script, checksum, command, schema_facts)
    VALUES ('single node', steam_rec._installed_version(), 'adopt', 'distribute()', '', left(current_query(), 1000),
            steam_rec._schema_facts())
$$;
REVOKE ALL ON FUNCTION steam_rec._log_distributed_form() FROM PUBLIC;

--------------------------------------------------------------------------------
-- distribute() puts steam_rec's tables in their Citus form, run on the coordinator.
-- Per-player tables are sharded by player and colocated, so a player's rows
-- and their foreign keys live on one worker; per-game tables and the models
-- are reference tables, a full copy on every node.  docs/citus.md says why
-- each step is as it is; docs/citus_distribute.sql is the same as a psql
-- recipe for 1.5, which has no distribute().
--------------------------------------------------------------------------------
CREATE FUNCTION steam_rec.distribute()
    RETURNS TABLE (table_name text, distribution text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    per_player constant text[] := ARRAY['users', 'user_games', 'recommendations'];
    replicated constant text[] := ARRAY['catalog_cache', 'game_tags', 'game_stats', 'engagement_prior',
                                        'models', 'model_games', 'model_tags', 'model_governance'];
    -- The tables belong to steam_rec, so CREATE EXTENSION made them on every
    -- worker and Citus takes those as the workers' shell tables: a change of
    -- their constraints is made on the workers as well as here.  Each command
    -- can run twice, so a call that failed after reaching the workers can be
    -- repeated.
    on_every_node constant text[] := ARRAY[
        -- game_tags' key to catalog_cache would make Citus convert game_tags
        -- into a "Citus local table", which drops and recreates its identity
        -- sequence; the extension owns that sequence, so the conversion
        -- fails.  The key is added back between the two reference tables.
        'ALTER TABLE steam_rec.game_tags DROP CONSTRAINT IF EXISTS game_tags_appid_fkey',
        -- A distributed table's unique constraints must contain its
        -- distribution column; id stays an identity.
        'ALTER TABLE steam_rec.user_games DROP CONSTRAINT IF EXISTS user_games_pkey, '
            'ADD CONSTRAINT user_games_pkey PRIMARY KEY (user_steam_id, id)',
        -- Triggers fire on the shards, where one that writes another Citus
        -- table is refused; the model tables' triggers do (a model's rows, its
        -- governance row, the user_games mark): foreign keys with ON DELETE
        -- CASCADE replace the cascades, and the mark is not recorded.
        -- Citus allows no trigger on a reference table: catalog_cache's
        -- change count goes, and recommend() reads names row by row.
        'DROP TRIGGER IF EXISTS catalog_cache_count_changes ON steam_rec.catalog_cache',
        'DROP TRIGGER IF EXISTS catalog_cache_count_replicated_changes ON steam_rec.catalog_cache',
        'DROP TRIGGER IF EXISTS models_delete_rows ON steam_rec.models',
        'DROP TRIGGER IF EXISTS models_truncate_rows ON steam_rec.models',
        'DROP TRIGGER IF EXISTS models_mark_data ON steam_rec.models',
        'DROP TRIGGER IF EXISTS models_delete_governance ON steam_rec.models',
        'DROP TRIGGER IF EXISTS models_truncate_governance ON steam_rec.models',
        -- refresh_recommendations() and refresh_engagement() of every player
        -- run one query over users whose per-shard tasks call them again for
        -- each player on the worker: Citus calls that nested execution and
        -- allows it only when asked, on every node where it runs.
        -- The identity sequences belong to steam_rec, so each node has its
        -- own, all starting at 1, and Citus does not give them the per-node
        -- ranges it gives the sequences it distributes: a row written through
        -- a worker would take an id the coordinator already gave.  Each node
        -- draws from its own 2^48 ids, from its group id times 2^48, as
        -- Citus does for its own; the coordinator (group 0) keeps 1 up.
        'DO $ranges$
         DECLARE
             first bigint := (SELECT groupid FROM pg_catalog.pg_dist_local_group)::bigint * 281474976710656 + 1;
             sequence text;
         BEGIN
             FOREACH sequence IN ARRAY ARRAY[''user_games_id_seq'', ''game_tags_id_seq'', ''models_id_seq''] LOOP
                 IF NOT EXISTS (SELECT FROM pg_catalog.pg_sequences AS s
                                 WHERE s.schemaname = ''steam_rec'' AND s.sequencename = sequence
                                   AND s.min_value = first) THEN
                     EXECUTE pg_catalog.format(''ALTER SEQUENCE steam_rec.%I MINVALUE %s MAXVALUE %s START %s RESTART'',
                                               sequence, first, first + 281474976710655, first);
                 END IF;
             END LOOP;
         END
         $ranges$',
        'ALTER FUNCTION steam_rec.refresh_recommendations(bigint, integer) '
            'SET citus.allow_nested_distributed_execution = on',
        'ALTER FUNCTION steam_rec.refresh_engagement(bigint) '
            'SET citus.allow_nested_distributed_execution = on',
        -- train() reads the player shards, then writes reference tables tied
        -- by foreign keys: Citus allows that in one transaction only over one
        -- connection per node.  refresh_engagement()'s rescoring must go over
        -- the connections that wrote the new statistics, or the workers would
        -- not see them before the commit.  Both can be called on any node.
        'ALTER FUNCTION steam_rec.train(text, jsonb) SET citus.multi_shard_modify_mode = ''sequential''',
        'ALTER FUNCTION steam_rec.refresh_engagement(bigint) SET citus.multi_shard_modify_mode = ''sequential''',
        -- model_report() of a model that is not active switches the reference
        -- table models after reading the player shards, the same case as
        -- train(); so does migrate() (its counts of rows come before the
        -- ALTER EXTENSION) and adopt_alembic() (its checks before its copies).
        'ALTER FUNCTION steam_rec.model_report(bigint, integer) SET citus.multi_shard_modify_mode = ''sequential''',
        'ALTER FUNCTION steam_rec.migrate(text, boolean) SET citus.multi_shard_modify_mode = ''sequential''',
        'ALTER FUNCTION steam_rec.adopt_alembic(text) SET citus.multi_shard_modify_mode = ''sequential'''];
    command text;
    relation text;
    failure record;
    distributed integer;
    unsafe_triggers text;
    quiet text;
    owner text;
    not_owned text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'steam_rec.distribute() needs the citus extension'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Extension citus is not installed in database %s.', current_database()),
                  HINT = 'Preload citus, CREATE EXTENSION citus, add the workers with citus_add_node(), '
                         'then call steam_rec.distribute() on the coordinator.';
    END IF;
    IF NOT citus_is_coordinator() THEN
        RAISE EXCEPTION 'steam_rec.distribute() runs on the Citus coordinator'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('This node is worker group %s.', (SELECT groupid FROM pg_dist_local_group)),
                  HINT = 'Connect to the coordinator and call it there.';
    END IF;

    -- What is distributed is read below after waiting for another call; a
    -- snapshot older than that call's commit would not see its tables.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'steam_rec.distribute() needs a READ COMMITTED transaction'
            USING ERRCODE = 'invalid_transaction_state',
                  DETAIL = format('This transaction is %s: its snapshot may predate another session''s distribute().',
                                  upper(current_setting('transaction_isolation'))),
                  HINT = 'Call it outside a transaction block, or in one begun with ISOLATION LEVEL READ COMMITTED.';
    END IF;

    -- Two calls at once would both find nothing distributed and the second
    -- would run its worker commands on the first one's Citus tables: the
    -- second waits here until the first has committed or rolled back, then
    -- reads what it left (a fresh snapshot per statement in READ COMMITTED).
    PERFORM pg_advisory_xact_lock(8319385880781678963);  -- "steamdis"

    SELECT count(*) INTO distributed
      FROM pg_dist_partition
     WHERE logicalrelid IN (SELECT format('steam_rec.%I', t)::regclass FROM unnest(per_player || replicated) AS t);
    IF distributed = cardinality(per_player || replicated) THEN
        RAISE NOTICE 'steam_rec''s tables are already distributed; nothing changed';
        -- A worker that has not logged the distributed form does it now,
        -- with its own schema (committed since the call that distributed),
        -- when the caller has the rights of the log's owner.
        IF pg_has_role(current_user, (SELECT c.relowner FROM pg_class AS c
                                       WHERE c.oid = 'steam_rec.applied_migrations'::regclass), 'USAGE') THEN
            SELECT * INTO failure FROM run_command_on_workers(
                'SELECT steam_rec._log_distributed_form() WHERE NOT EXISTS ('
                'SELECT FROM steam_rec.applied_migrations WHERE direction = ''adopt'' AND script = ''distribute()'')') AS r
             WHERE NOT r.success LIMIT 1;
            -- Only a warning: the tables are distributed, which is what a
            -- caller of this idempotent call needs to know.
            IF FOUND THEN
                RAISE WARNING 'steam_rec.distribute() could not log the distributed form on worker %:%',
                              failure.nodename, failure.nodeport
                    USING DETAIL = format('It failed there: %s', failure.result),
                          HINT = 'Its migration_status() reports the form as changed outside the scripts until '
                                 'steam_rec.distribute() is called again with the worker reachable.';
            END IF;
        END IF;
    ELSIF distributed > 0 THEN
        RAISE EXCEPTION 'steam_rec''s tables are partly distributed'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('%s of the %s tables are Citus tables.', distributed,
                                  cardinality(per_player || replicated)),
                  HINT = 'Undistribute them with undistribute_table() and call steam_rec.distribute() again.';
    ELSE
        -- Changing the tables, on the workers too, needs their owner: a
        -- caller granted EXECUTE alone is refused here, before any node is
        -- touched, instead of by the first worker.
        SELECT c.relname, c.relowner::regrole::text INTO not_owned, owner
          FROM pg_class AS c
         WHERE c.oid IN (SELECT format('steam_rec.%I', t)::regclass FROM unnest(per_player || replicated) AS t)
           AND NOT pg_has_role(current_user, c.relowner, 'USAGE')
         ORDER BY c.relname
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'steam_rec.distribute() must be called by the owner of steam_rec''s tables'
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = format('Table steam_rec.%s belongs to role %s; role %s does not have its privileges.',
                                      not_owned, owner, current_user),
                      HINT = format('Call it as %s or as a superuser.', owner);
        END IF;
        IF NOT EXISTS (SELECT FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary' AND isactive) THEN
            RAISE EXCEPTION 'steam_rec.distribute() needs at least one worker'
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'The cluster has 0 active workers.',
                      HINT = 'Add the workers with SELECT citus_add_node(host, port) on the coordinator first.';
        END IF;

        FOREACH command IN ARRAY on_every_node LOOP
            SELECT * INTO failure FROM run_command_on_workers(command) AS r WHERE NOT r.success LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION 'steam_rec.distribute() could not change worker %:%', failure.nodename,
                                failure.nodeport
                    USING ERRCODE = 'connection_failure',
                          DETAIL = format('%s failed there: %s', command, failure.result),
                          HINT = 'Make the worker reachable and call steam_rec.distribute() again.';
            END IF;
            EXECUTE command;
        END LOOP;

        -- Citus reports each table it copies rows from, with a hint to remove
        -- the local copy, which is done below.
        quiet := current_setting('client_min_messages');
        PERFORM set_config('client_min_messages', 'warning', true);
        FOREACH relation IN ARRAY replicated LOOP
            PERFORM create_reference_table(format('steam_rec.%I', relation));
        END LOOP;
        ALTER TABLE steam_rec.game_tags ADD CONSTRAINT game_tags_appid_fkey
            FOREIGN KEY (appid) REFERENCES steam_rec.catalog_cache (appid) ON DELETE CASCADE;
        ALTER TABLE steam_rec.model_games ADD CONSTRAINT model_games_model_id_fkey
            FOREIGN KEY (model_id) REFERENCES steam_rec.models (id) ON DELETE CASCADE;
        ALTER TABLE steam_rec.model_tags ADD CONSTRAINT model_tags_model_id_fkey
            FOREIGN KEY (model_id) REFERENCES steam_rec.models (id) ON DELETE CASCADE;
        ALTER TABLE steam_rec.model_governance ADD CONSTRAINT model_governance_model_id_fkey
            FOREIGN KEY (model_id) REFERENCES steam_rec.models (id) ON DELETE CASCADE;

        -- user_games' engagement trigger reads only its row and the reference
        -- tables game_stats and engagement_prior, which every node holds: it
        -- is safe on a shard, and this setting is how Citus lets it stay.
        unsafe_triggers := current_setting('citus.enable_unsafe_triggers');
        PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
        PERFORM create_distributed_table('steam_rec.users', 'steam_id');
        PERFORM create_distributed_table('steam_rec.user_games', 'user_steam_id', colocate_with => 'steam_rec.users');
        PERFORM create_distributed_table('steam_rec.recommendations', 'user_steam_id',
                                         colocate_with => 'steam_rec.users');
        PERFORM set_config('citus.enable_unsafe_triggers', unsafe_triggers, true);

        -- Rows the tables held before are now in the shards; the coordinator's
        -- own copy of them is no longer read, only kept on disk.
        FOREACH relation IN ARRAY per_player || replicated LOOP
            PERFORM truncate_local_data_after_distributing_table(format('steam_rec.%I', relation)::regclass);
        END LOOP;
        PERFORM set_config('client_min_messages', quiet, true);

        -- A call of recommend() through the coordinator is sent whole to the
        -- worker that holds the player, which reads its copy of the model.
        PERFORM create_distributed_function(
            'steam_rec.recommend(bigint, integer, boolean, text[], text[], integer[], real)',
            distribution_arg_name => 'steam_id', colocate_with => 'steam_rec.users');

        -- What was changed above is the schema the extension has on a
        -- cluster, not a change made outside the scripts: it is logged here,
        -- in this transaction.  A worker's form is committed only with it, so
        -- a worker logs its own on the next call.
        PERFORM steam_rec._log_distributed_form();
    END IF;

    RETURN QUERY
        SELECT c.relname::text,
               CASE p.partmethod WHEN 'h' THEN 'by ' || column_to_column_name(p.logicalrelid, p.partkey)
                                 ELSE 'reference' END
          FROM pg_dist_partition AS p JOIN pg_class AS c ON c.oid = p.logicalrelid
         WHERE c.relnamespace = 'steam_rec'::regnamespace
         ORDER BY p.partmethod, c.relname;
END
$$;
COMMENT ON FUNCTION steam_rec.distribute() IS
    'On a Citus coordinator: shards users, user_games and recommendations by player (colocated), makes the '
    'per-game and model tables reference tables and routes recommend() to the player''s worker; a second '
    'call changes nothing.';
REVOKE ALL ON FUNCTION steam_rec.distribute() FROM PUBLIC;

--------------------------------------------------------------------------------
-- The maintenance setting "algorithm" accepts what steam_rec.algorithms()
-- lists (1.5 named six algorithms here, so a seventh, rp3beta, was refused);
-- a long value or name is quoted cut to 64 characters (1.5 quoted a value of
-- a megabyte whole); params that jsonb cannot hold or parse are this
-- function's 22023, not 22P05 or 54001.  The rest of the function is 1.5's.  Checks a value for a maintenance
-- setting and returns it in its canonical form; refuses an unknown name or a
-- bad value with the value and the range.
DROP FUNCTION steam_rec._maintenance_setting_checked(text, text);
CREATE FUNCTION steam_rec._maintenance_setting_checked(name text, value text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    number double precision;
    whole bigint;
    age interval;
    age_standard interval;
    params jsonb;
    -- The value and the name as messages quote them: a long one cut.
    quoted constant text := left(value, 64) || CASE WHEN length(value) > 64 THEN '...' ELSE '' END;
    name_quoted constant text := left($1, 64) || CASE WHEN length($1) > 64 THEN '...' ELSE '' END;
    limits constant jsonb := '{"retrain_changed_rows": [0, 9223372036854775807], "evaluation_k": [1, 1000],
                               "recommendations_k": [0, 1000], "keep_previous": [0, 1000]}';
BEGIN
    IF NOT EXISTS (SELECT FROM steam_rec._maintenance_setting_defaults() AS d WHERE d.name = $1) THEN
        RAISE EXCEPTION 'unknown maintenance setting "%"', name_quoted
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
                            $1, limits -> $1 ->> 0, limits -> $1 ->> 1, quoted
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
            RAISE EXCEPTION 'maintenance setting % must be a number from 0 to 1, not "%"', $1, quoted
                USING ERRCODE = 'invalid_parameter_value', HINT = 'For example 0.05 for 5%.';
        END IF;
        RETURN number::text;
    WHEN 'retrain_max_age' THEN
        -- Stored as written, so every IntervalStyle must read it alike: under
        -- sql_standard a leading minus sign applies to the fields after it
        -- that have none ('-1 day 25:00:00' is -49 hours there, +1 hour
        -- elsewhere).  Changes of IntervalStyle inside the block go with it.
        BEGIN
            PERFORM set_config('IntervalStyle', 'sql_standard', true);
            age_standard := value::interval;
            PERFORM set_config('IntervalStyle', 'postgres', true);
            age := value::interval;
            RAISE EXCEPTION USING ERRCODE = 'no_data_found';  -- leaves the block, undoing the settings
        EXCEPTION WHEN no_data_found THEN
            NULL;
        WHEN invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow THEN
            age := NULL;
        END;
        IF age IS NULL OR age < interval '0' OR isfinite(age) IS NOT TRUE THEN
            RAISE EXCEPTION 'maintenance setting retrain_max_age must be an interval of 0 or more, not "%"', quoted
                USING ERRCODE = 'invalid_parameter_value', HINT = 'For example ''7 days''; 0 turns the age rule off.';
        END IF;
        IF age_standard IS DISTINCT FROM age THEN
            RAISE EXCEPTION 'maintenance setting retrain_max_age "%" is % hours under IntervalStyle sql_standard and % under the others',
                            quoted, trim_scale(round(extract(epoch FROM age_standard) / 3600, 2)),
                            trim_scale(round(extract(epoch FROM age) / 3600, 2))
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Give every field its own sign, for example ''-1 day +25:00:00'', or one unit, ''1 hour''.';
        END IF;
        RETURN btrim(value);
    WHEN 'algorithm' THEN
        IF value IS NULL OR (value <> 'active' AND NOT EXISTS (SELECT FROM steam_rec.algorithms() AS a WHERE a.name = value)) THEN
            RAISE EXCEPTION 'maintenance setting algorithm must be active or an algorithm, not "%"', quoted
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Valid values are active, ' || (SELECT string_agg(a.name, ', ') FROM steam_rec.algorithms() AS a) || '.';
        END IF;
        RETURN value;
    WHEN 'params' THEN
        BEGIN
            params := value::jsonb;
        -- Also what jsonb cannot hold (\u0000, a number past numeric's range,
        -- a document past its size limit) and nesting too deep to parse.
        EXCEPTION WHEN invalid_text_representation OR untranslatable_character OR numeric_value_out_of_range
                    OR program_limit_exceeded OR statement_too_complex THEN
            params := NULL;
        END;
        IF params IS NULL OR jsonb_typeof(params) <> 'object' THEN
            RAISE EXCEPTION 'maintenance setting params must be a JSON object of train() parameters, not "%"', quoted
                USING ERRCODE = 'invalid_parameter_value', HINT = 'For example {"base": "itemknn"}.';
        END IF;
        RETURN params::text;
    WHEN 'evaluate' THEN
        IF lower(btrim(value)) IN ('on', 'true', 'yes', '1') THEN
            RETURN 'on';
        ELSIF lower(btrim(value)) IN ('off', 'false', 'no', '0') THEN
            RETURN 'off';
        END IF;
        RAISE EXCEPTION 'maintenance setting evaluate must be on or off, not "%"', quoted
            USING ERRCODE = 'invalid_parameter_value';
    END CASE;
END
$$;

-- A retrain_max_age that 1.5 stored and IntervalStyle sql_standard reads
-- otherwise stays as it is (which reading was meant is not known), with a
-- warning that says so.
DO $$
DECLARE
    stored text;
BEGIN
    SELECT s.value INTO stored FROM steam_rec.maintenance_changed_settings AS s WHERE s.name = 'retrain_max_age';
    IF stored IS NOT NULL THEN
        PERFORM steam_rec._maintenance_setting_checked('retrain_max_age', stored);
    END IF;
EXCEPTION WHEN invalid_parameter_value THEN
    RAISE WARNING 'steam_rec: the stored %', SQLERRM
        USING HINT = 'Set it again: SELECT steam_rec.set_maintenance_setting(''retrain_max_age'', ''7 days'').';
END
$$;

--------------------------------------------------------------------------------
-- The parameters train() would use, checked as train() checks them: what
-- lets maintain()'s algorithm and params be refused when they are set instead
-- of failing the nightly training.
CREATE FUNCTION steam_rec.train_params(algorithm text, params jsonb DEFAULT '{}') RETURNS jsonb
    LANGUAGE c STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'steam_rec_train_params';
COMMENT ON FUNCTION steam_rec.train_params(text, jsonb) IS
    'The parameters steam_rec.train(algorithm, params) would train with, every default filled in; '
    'refuses what train() refuses, with its error. Trains nothing.';

-- maintain() trains with the algorithm and params settings together (params
-- are ignored while algorithm is active).  1.5 checked params only for being
-- an object, so a key or value train() refuses was taken and the nightly
-- maintain() failed on it.  The pair is checked when a transaction that
-- wrote either commits: both can be changed in one transaction in any order
-- (one at a time, the pair in between may not fit).  A row inserted with a
-- changed_at before the transaction (a restore's) that does not fit is
-- reported by a WARNING, not refused: a pair stored by 1.5 must not make a
-- dump unrestorable.  A deleted row leaves a default, which fits any pair.
--
-- Every check updates the one row of maintenance_training_checks, so two
-- transactions that each change one of the two meet there: under READ
-- COMMITTED the later waits for the earlier and then checks the pair it
-- committed; under REPEATABLE READ and SERIALIZABLE it fails (40001) rather
-- than check a pair its snapshot holds but the table no longer does.
CREATE TABLE steam_rec.maintenance_training_checks (
    one        boolean     NOT NULL DEFAULT true,
    checked_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT maintenance_training_checks_pkey PRIMARY KEY (one),
    CONSTRAINT maintenance_training_checks_one_row CHECK (one)
);
COMMENT ON TABLE steam_rec.maintenance_training_checks IS
    'One row: when maintain()''s algorithm and params settings were last checked together; '
    'a check updates it, which orders concurrent changes of the two.';
INSERT INTO steam_rec.maintenance_training_checks DEFAULT VALUES;
REVOKE ALL ON steam_rec.maintenance_training_checks FROM PUBLIC;
-- Marked for pg_dump, with no row dumped: the row is the extension's own.
SELECT pg_catalog.pg_extension_config_dump('steam_rec.maintenance_training_checks', 'WHERE false');

-- Why the algorithm and params settings in force do not fit (train()'s
-- message after both values, cut), or NULL when they do or algorithm is
-- active.  The trigger below refuses or reports it; the update warns of it.
CREATE FUNCTION steam_rec._maintenance_training_misfit() RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    algorithm constant text := steam_rec._maintenance_setting('algorithm');
    params constant text := steam_rec._maintenance_setting('params');
    message text;
BEGIN
    IF algorithm = 'active' THEN
        RETURN NULL;
    END IF;
    PERFORM steam_rec.train_params(algorithm, params::jsonb);
    RETURN NULL;
-- Also what jsonb cannot hold or parse, as _maintenance_setting_checked() takes it.
EXCEPTION WHEN data_exception OR program_limit_exceeded OR statement_too_complex THEN
    GET STACKED DIAGNOSTICS message = MESSAGE_TEXT;
    RETURN format('maintenance settings algorithm "%s" and params %s do not fit: %s',
                  left(algorithm, 64) || CASE WHEN length(algorithm) > 64 THEN '...' ELSE '' END,
                  left(params, 200) || CASE WHEN length(params) > 200 THEN '...' ELSE '' END, message);
END
$$;
REVOKE ALL ON FUNCTION steam_rec._maintenance_training_misfit() FROM PUBLIC;

CREATE FUNCTION steam_rec._check_maintenance_training() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    misfit text;
    hint text;
BEGIN
    IF NEW.name NOT IN ('algorithm', 'params')
       OR (TG_OP = 'UPDATE' AND NEW.name = OLD.name AND NEW.value = OLD.value) THEN
        RETURN NULL;
    END IF;
    -- An upsert: a row lost (a TRUNCATE of the extension's tables) comes back
    -- instead of leaving nothing to meet on.
    INSERT INTO steam_rec.maintenance_training_checks AS c (one, checked_at) VALUES (true, now())
        ON CONFLICT ON CONSTRAINT maintenance_training_checks_pkey DO UPDATE SET checked_at = excluded.checked_at;
    -- Read after the upsert: under READ COMMITTED a new snapshot, which holds
    -- what a transaction it waited for committed.
    misfit := steam_rec._maintenance_training_misfit();
    IF misfit IS NULL THEN
        RETURN NULL;
    END IF;
    hint := CASE NEW.name WHEN 'params' THEN
                format('Give parameters train() takes for %s: steam_rec.train_params(algorithm, params) checks them.',
                       left(steam_rec._maintenance_setting('algorithm'), 64))
            ELSE 'To move to another algorithm, change algorithm and params in one transaction.' END;
    -- A restore's row (or a direct write dated back): reported, not refused,
    -- so a dump always restores.
    IF TG_OP = 'INSERT' AND NEW.changed_at < now() THEN
        RAISE WARNING '%', misfit USING HINT = 'steam_rec.maintain() fails on them until one is changed. ' || hint;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '%', misfit USING ERRCODE = 'invalid_parameter_value', HINT = hint;
END
$$;
REVOKE ALL ON FUNCTION steam_rec._check_maintenance_training() FROM PUBLIC;
CREATE CONSTRAINT TRIGGER maintenance_training_fits
    AFTER INSERT OR UPDATE ON steam_rec.maintenance_changed_settings
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION steam_rec._check_maintenance_training();

-- A pair 1.5 took that train() refuses stays (no row is changed by an
-- update), and maintain() fails on it until one of the two is changed: say so.
DO $$
DECLARE
    misfit constant text := steam_rec._maintenance_training_misfit();
BEGIN
    IF misfit IS NOT NULL THEN
        RAISE WARNING '%', misfit
            USING HINT = 'steam_rec.maintain() fails on them until one is changed with steam_rec.set_maintenance_setting().';
    END IF;
END
$$;

--------------------------------------------------------------------------------
-- Training from partial sums on a Citus cluster: train() on the coordinator
-- calls these on every worker (run_command_on_workers); each reads only the
-- shards of user_games on its own node and returns sums over its players,
-- sized by games and co-owned game pairs, not by rows.  The setting
-- steam_rec.train_from_partial_sums chooses between them and pulling rows.
--------------------------------------------------------------------------------
CREATE FUNCTION steam_rec.owned_game_totals(algorithm text, params jsonb DEFAULT '{}') RETURNS bytea
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'steam_rec_owned_game_totals';
COMMENT ON FUNCTION steam_rec.owned_game_totals(text, jsonb) IS
    'On a Citus worker, for train() on the coordinator: per game, the owners, players and weight sums of '
    'this node''s shards of user_games, encoded.';
REVOKE ALL ON FUNCTION steam_rec.owned_game_totals(text, jsonb) FROM PUBLIC;

CREATE FUNCTION steam_rec.co_ownership_sums(algorithm text, params jsonb, totals bytea) RETURNS bytea
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'steam_rec_co_ownership_sums';
COMMENT ON FUNCTION steam_rec.co_ownership_sums(text, jsonb, bytea) IS
    'On a Citus worker, for train() on the coordinator: the weighted co-ownership sums (X''X) of this node''s '
    'shards of user_games, given every worker''s added-up owned_game_totals(), encoded.';
REVOKE ALL ON FUNCTION steam_rec.co_ownership_sums(text, jsonb, bytea) FROM PUBLIC;

-- user_games_player_games: recommend() reads a player's games (appid and
-- engagement_score) from this index alone on pages the visibility map marks
-- all-visible, as an index-only scan does, instead of visiting one heap page
-- per few rows: fewer shared buffers per call, and fewer pages each serving
-- backend touches alone.  Its entries are as wide as those of the unique key
-- on (user_steam_id, appid); engagement_score being indexed, a rescore is
-- never a HOT update (on full pages few were).
-- On a Citus cluster the coordinator passes an index's statement on to the
-- workers as the statement's text, which in an extension script is the
-- whole script: EXECUTE makes it this statement alone.  Each worker also runs
-- this script (the update reaches every node), so whichever of the two comes
-- second finds the index there.
DO $$
BEGIN
    EXECUTE 'CREATE INDEX IF NOT EXISTS user_games_player_games ON steam_rec.user_games (user_steam_id, appid) '
            'INCLUDE (engagement_score)';
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
    -- RDLAE is the default of ease and of hybrid over ease from 1.6 (dropout 0.4,
    -- diagonal_relaxation 0.35).  A model stored before was trained without the
    -- two keys, as plain EASE: its parameters now say so (0), and retraining its
    -- configuration (maintain() with the algorithm setting 'active') trains
    -- plain EASE again instead of picking up the new defaults.
    UPDATE steam_rec.models AS m
       SET params = jsonb_build_object('dropout', 0, 'diagonal_relaxation', 0) || m.params
     WHERE (m.algorithm = 'ease' OR (m.algorithm = 'hybrid' AND coalesce(m.params ->> 'base', 'ease') = 'ease'))
       AND NOT (m.params ? 'dropout' AND m.params ? 'diagonal_relaxation');

    -- new_game_weight (hybrid) and tag_popularity_exponent (content and hybrid)
    -- are new in 1.6, with default 1.  A model stored before had neither key: it
    -- lent games nobody owns no weights and did not scale them by tag popularity
    -- (0).  Its parameters now say so, and retraining its configuration keeps it.
    UPDATE steam_rec.models AS m
       SET params = jsonb_build_object('new_game_weight', 0) || m.params
     WHERE m.algorithm = 'hybrid' AND NOT m.params ? 'new_game_weight';
    UPDATE steam_rec.models AS m
       SET params = jsonb_build_object('tag_popularity_exponent', 0) || m.params
     WHERE m.algorithm IN ('content', 'hybrid') AND NOT m.params ? 'tag_popularity_exponent';
    -- tag_ridge_weight (hybrid), new in 1.6 with default 1, likewise: a model
    -- stored before lent new games nothing through the ridge map from tags.
    UPDATE steam_rec.models AS m
       SET params = jsonb_build_object('tag_ridge_weight', 0) || m.params
     WHERE m.algorithm = 'hybrid' AND NOT m.params ? 'tag_ridge_weight';
    -- studio_weight and series_weight (hybrid), new in 1.6 with defaults 3 and
    -- 30, likewise: a model stored before lent new games nothing from the
    -- catalog.
    UPDATE steam_rec.models AS m
       SET params = jsonb_build_object('studio_weight', 0, 'series_weight', 0) || m.params
     WHERE m.algorithm = 'hybrid' AND NOT m.params ? 'studio_weight';
    -- name_word_weight (hybrid), new in 1.6 with default 15, likewise: a
    -- model stored before lent new games nothing for the words of their names.
    UPDATE steam_rec.models AS m
       SET params = jsonb_build_object('name_word_weight', 0) || m.params
     WHERE m.algorithm = 'hybrid' AND NOT m.params ? 'name_word_weight';
    -- release_years_scale (hybrid), new in 1.6 with default 8, likewise: a
    -- model stored before did not weigh lent weights by release dates.
    UPDATE steam_rec.models AS m
       SET params = jsonb_build_object('release_years_scale', 0) || m.params
     WHERE m.algorithm = 'hybrid' AND NOT m.params ? 'release_years_scale';

    -- catalog_name_weight, catalog_studio_weight and catalog_series_weight (ease
    -- and hybrid over ease), new in 1.6 with defaults 2, 1 and 2, likewise: a
    -- model stored before added no catalog facts to EASE's Gram.
    UPDATE steam_rec.models AS m
       SET params = jsonb_build_object('catalog_name_weight', 0, 'catalog_studio_weight', 0,
                                       'catalog_series_weight', 0) || m.params
     WHERE (m.algorithm = 'ease' OR (m.algorithm = 'hybrid' AND coalesce(m.params ->> 'base', 'ease') = 'ease'))
       AND NOT m.params ? 'catalog_name_weight';
END
$$;

-- migration_status() leaves out the check of stashed privileges for a role
-- that may not read migration_stash, with a warning that says so: an
-- application role with the documented grants (SELECT on applied_migrations)
-- got 42501 from it.  The rest is 1.5's.
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
    -- were not put back (the event trigger that does it was disabled).  The
    -- stash is the owner's: a role that may not read it (an application
    -- role with the documented grants) is told the check was left out.
    IF NOT has_table_privilege('steam_rec.migration_stash', 'SELECT') THEN
        warnings := warnings || 'privileges a migration did not put back are not checked: this role cannot read '
                                'steam_rec.migration_stash'::text;
        RETURN NEXT;
        RETURN;
    END IF;
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
                  AND NOT coalesce((stashed ->> 'row_security')::boolean, false)
                  AND jsonb_typeof(stashed -> 'reloptions') IS DISTINCT FROM 'array';
        warnings := warnings || format(
            'the privileges of %s were not put back after a migration created it again (granted beyond the scripts: %s%s): '
            'run ALTER EXTENSION steam_rec UPDATE to put them back',
            pg_describe_object(address.classid, address.objid, address.objsubid),
            coalesce((SELECT string_agg(format('%s to %s%s', g ->> 'privilege', coalesce(g ->> 'grantee', 'PUBLIC'),
                                               CASE WHEN g ->> 'grantor' <> stashed ->> 'owner'
                                                    THEN ' by ' || (g ->> 'grantor') END),
                                        ', ' ORDER BY g ->> 'grantee', g ->> 'grantor', g ->> 'privilege')
                        FROM jsonb_array_elements(stashed -> 'acl') AS g
                       WHERE NOT (stashed -> 'initial_acl') @> jsonb_build_array(g)), 'nothing beyond the scripts'),
            CASE WHEN jsonb_typeof(stashed -> 'reloptions') = 'array'
                 THEN '; storage parameters ' || (SELECT string_agg(o, ', ')
                                                   FROM jsonb_array_elements_text(stashed -> 'reloptions') AS o) END);
    END LOOP;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION steam_rec.migration_status() IS
    'Installed, newest, default and library versions, the steps pending to the newest, and warnings: '
    'SQL/library skew, member tables not marked for pg_dump, schema changed outside the scripts.';

-- An unknown migration target is quoted cut to 64 characters (1.0 quoted a
-- target of a megabyte whole); a NULL one is 22004, as every NULL argument
-- (1.0: 22023); a step of ten digits or more cannot be moved, like any step
-- past the ends (1.0 called it unknown).  The rest is 1.0's.
CREATE OR REPLACE FUNCTION steam_rec._resolve_target(target text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    versions text[] := steam_rec._available_versions();
    installed text := steam_rec._installed_version();
    position integer := array_position(versions, installed);
    wanted bigint;
    valid_targets text := 'Use ''head'', ''base'', ''current'', ''+N'', ''-N'' or a version: '
                          || array_to_string(versions, ', ') || '.';
BEGIN
    IF target IS NULL THEN
        RAISE EXCEPTION 'target must not be NULL' USING ERRCODE = 'null_value_not_allowed', HINT = valid_targets;
    END IF;
    IF target = '' THEN
        RAISE EXCEPTION 'a migration target is required' USING ERRCODE = 'invalid_parameter_value',
            HINT = valid_targets;
    END IF;
    IF lower(target) = 'head' THEN RETURN versions[cardinality(versions)]; END IF;
    IF lower(target) = 'base' THEN RETURN versions[1]; END IF;
    IF lower(target) = 'current' THEN RETURN installed; END IF;
    IF target ~ '^[+-][0-9]+$' THEN
        wanted := CASE WHEN length(target) <= 10 THEN position + target::bigint END;
        IF wanted IS NULL OR wanted < 1 OR wanted > cardinality(versions) THEN
            RAISE EXCEPTION 'cannot move % version(s) from %: the available versions are %',
                            left(target, 64) || CASE WHEN length(target) > 64 THEN '...' ELSE '' END,
                            installed, array_to_string(versions, ', ')
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN versions[wanted];
    END IF;
    IF target = ANY (versions) THEN RETURN target; END IF;
    RAISE EXCEPTION 'unknown migration target "%"',
                    left(target, 64) || CASE WHEN length(target) > 64 THEN '...' ELSE '' END
        USING ERRCODE = 'invalid_parameter_value',
              HINT = valid_targets;
END
$$;

-- A refresh rewrites each player's list in place where the page keeps room
-- for the new versions (refresh_recommendations(), rewrite_lists_in_place()):
-- half of each page is left free.  Pages written before stay full until their
-- rows are next rewritten.  Not on a table Citus distributes: its lists are
-- written through SQL, never in place; nor where a fillfactor was chosen for
-- the table already.
DO $$
BEGIN
    -- Nested: without Citus its catalogs do not exist, and one expression
    -- naming them would fail to plan.
    IF to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        IF EXISTS (SELECT FROM pg_catalog.pg_dist_partition
                    WHERE logicalrelid = 'steam_rec.recommendations'::regclass) THEN
            RETURN;
        END IF;
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_class AS c, pg_catalog.unnest(c.reloptions) AS o(option)
                WHERE c.oid = 'steam_rec.recommendations'::regclass
                  AND o.option OPERATOR(pg_catalog.~~) 'fillfactor=%') THEN
        RETURN;
    END IF;
    ALTER TABLE steam_rec.recommendations SET (fillfactor = 50);
END
$$;


-- _model_drift() counts a row played, or a player created, after now (at
-- 'infinity', or a future time from a client's clock) as no change until
-- that time comes: 1.5 counted them as changed since every training, so one
-- such row made maintain() retrain at every run.  The rest is 1.5's.
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
           count(*) FILTER (WHERE (mark IS NULL OR u.id <= mark) AND u.last_played > trained
                                  AND u.last_played <= now())
      INTO new_rows, kept_rows, played_rows
      FROM steam_rec.user_games AS u;
    IF mark IS NULL THEN
        new_rows := NULL;
    ELSE
        deleted_rows := greatest(training_rows - kept_rows, 0);
        changed_rows := new_rows + deleted_rows + played_rows;
        changed_share := changed_rows::double precision / greatest(training_rows, 1);
    END IF;
    SELECT count(*) INTO new_players FROM steam_rec.users AS p
     WHERE p.created_at > trained AND p.created_at <= now();
    SELECT count(DISTINCT u.appid) INTO new_games
      FROM steam_rec.user_games AS u
     WHERE NOT EXISTS (SELECT FROM steam_rec.model_games AS mg WHERE mg.model_id = $1 AND mg.appid = u.appid);
END
$$;

-- maintain()'s train step trains exactly what its evaluate step measured, and
-- leaves a model activated by hand during the training active.  In 1.5 the
-- step compared the active model with the one of the evaluation once, before
-- train() (minutes, on real data), which then activated its model whatever
-- had been activated meanwhile; and it read the algorithm and parameters
-- again, so settings changed during the evaluation were trained unmeasured.
CREATE OR REPLACE FUNCTION steam_rec._maintain_train(run_id bigint, OUT step_rows bigint, OUT step_detail text)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    run steam_rec.maintenance_log;
    candidate record;
    evaluated jsonb;
    new_id bigint;
    replaced bigint;
    trained steam_rec.models;
BEGIN
    SELECT * INTO run FROM steam_rec.maintenance_log AS l WHERE l.id = run_id;
    IF run.decision IS DISTINCT FROM 'retrain' THEN
        step_detail := CASE run.decision WHEN 'rejected' THEN 'skipped: the evaluation rejected the new model'
                                         ELSE 'skipped: no retrain needed' END;
        RETURN;
    END IF;
    -- The evaluation compared against the model active then; a model activated
    -- by hand since (a rollback, say) is not overridden by this run.
    IF (SELECT m.id FROM steam_rec.models AS m WHERE m.active) IS DISTINCT FROM run.active_model_before THEN
        step_detail := 'skipped: another model was activated since the evaluation';
        RETURN;
    END IF;
    SELECT * INTO candidate FROM steam_rec._maintenance_candidate();
    evaluated := run.evaluation -> 'candidate';
    IF evaluated IS NOT NULL AND (evaluated ->> 'algorithm' IS DISTINCT FROM candidate.algorithm
                                  OR evaluated -> 'params' IS DISTINCT FROM candidate.params) THEN
        step_detail := format('skipped: the settings changed since the evaluation, which measured %s %s; '
                              'they now name %s %s', evaluated ->> 'algorithm', evaluated -> 'params',
                              candidate.algorithm, candidate.params);
        RETURN;
    END IF;
    new_id := steam_rec.train(candidate.algorithm, candidate.params);
    -- train() activated its model under its EXCLUSIVE lock on models, held
    -- until this step commits.  The model it deactivated is the one its own
    -- (sub)transaction wrote, as it wrote the new one; if that is another
    -- model than the run started from, it was activated during the training,
    -- and it stays active.  (If none was active then, the active one having
    -- been deleted meanwhile, the new model stays: better than none.)
    SELECT m.id INTO replaced FROM steam_rec.models AS m
     WHERE NOT m.active AND m.id <> new_id
       AND m.xmin = (SELECT n.xmin FROM steam_rec.models AS n WHERE n.id = new_id);
    SELECT * INTO trained FROM steam_rec.models AS m WHERE m.id = new_id;
    step_rows := trained.interactions;
    IF replaced IS DISTINCT FROM run.active_model_before AND replaced IS NOT NULL THEN
        PERFORM steam_rec.activate_model(replaced);
        UPDATE steam_rec.maintenance_log AS l SET trained_model = new_id WHERE l.id = run_id;
        step_detail := format('model %s (%s) trained on %s owned games in %s s and not activated: model %s was '
                              'activated during the training and stays active', new_id, trained.algorithm,
                              trained.interactions, round(trained.seconds::numeric, 1), replaced);
        RETURN;
    END IF;
    UPDATE steam_rec.maintenance_log AS l SET trained_model = new_id, decision = 'activated' WHERE l.id = run_id;
    step_detail := format('model %s (%s) trained on %s owned games in %s s and activated', trained.id,
                          trained.algorithm, trained.interactions, round(trained.seconds::numeric, 1));
END
$$;

-- A model's governance rows go with it; a prune under REPEATABLE READ that
-- would delete a model whose first pin committed after its snapshot fails
-- with 40001 instead.  In 1.5 the DELETE, in that snapshot, did not see the
-- pin's new row: the pinned model was deleted and its pin left behind.  An
-- INSERT ... ON CONFLICT checks the key against every committed row and
-- refuses one its snapshot cannot see.  READ COMMITTED needs no check: each
-- statement sees what committed before it (and prune_models() waits for pins
-- first).  Like a foreign key's cascade, it runs with the rights of the
-- extension's owner: whoever may delete a model needs no INSERT privilege on
-- model_governance, nor to pass its row-level security, for its rows to go.
CREATE OR REPLACE FUNCTION steam_rec._delete_model_governance() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE steam_rec.model_governance;
    ELSE
        IF current_setting('transaction_isolation') <> 'read committed' THEN
            INSERT INTO steam_rec.model_governance AS g (model_id) VALUES (OLD.id)
                ON CONFLICT ON CONSTRAINT model_governance_pkey DO NOTHING;
        END IF;
        DELETE FROM steam_rec.model_governance AS g WHERE g.model_id = OLD.id;
    END IF;
    RETURN NULL;
END
$$;

-- maintain() refuses a Citus cluster up front.  Its steps read the
-- reference table models inside writes of the local maintenance tables,
-- which Citus does not plan: in 1.5 the first such write failed ("subqueries
-- are not supported within INSERT queries").  The jobs it runs work there
-- one by one.
CREATE OR REPLACE FUNCTION steam_rec._maintain_begin() RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    run_id bigint;
BEGIN
    -- Nested: without Citus its catalogs do not exist, and one expression
    -- naming them would fail to plan.
    IF to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        IF EXISTS (SELECT FROM pg_catalog.pg_dist_partition WHERE logicalrelid = 'steam_rec.models'::regclass) THEN
            RAISE EXCEPTION 'maintain() does not run on a Citus cluster yet'
                USING ERRCODE = 'feature_not_supported',
                      HINT = 'Schedule its jobs one by one: steam_rec.refresh_engagement(), steam_rec.train() and '
                             'steam_rec.refresh_recommendations() (docs/citus.md).';
        END IF;
    END IF;
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

-- model_report(), migrate() and adopt_alembic() refuse a NULL argument that
-- has no meaning as NULL with 22004 naming it, as every other function does:
-- 1.5 answered sample_players NULL with 22023, ran migrate() with dry_run NULL
-- as a dry run, and looked for a schema "<NULL>" (3F000).  The rest of each
-- function is as before.
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
    IF sample_players IS NULL THEN
        RAISE EXCEPTION 'sample_players must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'It is how many players'' top 10 are compared; 0 compares none.';
    END IF;
    IF sample_players < 0 OR sample_players > 100000 THEN
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
    IF dry_run IS NULL THEN
        RAISE EXCEPTION 'dry_run must not be NULL'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'true shows the plan and rolls it back; false migrates.';
    END IF;
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
    IF source_schema IS NULL THEN
        RAISE EXCEPTION 'source_schema must not be NULL'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'It is the schema of the service''s tables, public by default.';
    END IF;
    IF to_regnamespace(quote_ident(source_schema)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" does not exist', source_schema USING ERRCODE = 'invalid_schema_name';
    END IF;
    -- Only base tables are read: a view or a foreign table runs code its owner
    -- chose with the rights of the role adopting, and so does one under a
    -- listed table, a partition or an inheritance child at any depth, as the
    -- reads below take in every table under the one they name.
    SELECT array_agg(format('%s is a %s', r.shown,
                            CASE r.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                                           WHEN 'f' THEN 'foreign table' ELSE 'relation of kind ' || r.relkind::text END)
                     ORDER BY r.shown)
      INTO not_tables
      FROM (SELECT format('%I.%I', source_schema, c.relname) AS shown, c.relkind
              FROM pg_class AS c
             WHERE c.relnamespace = to_regnamespace(quote_ident(source_schema))
               AND c.relname = ANY (tables || 'alembic_version'::text) AND c.relkind NOT IN ('r', 'p')
            UNION ALL
            SELECT format('%s (under %I.%I)', u.relid::regclass, source_schema, u.listed), k.relkind
              FROM (WITH RECURSIVE under (relid, listed) AS (
                        SELECT i.inhrelid, c.relname
                          FROM pg_class AS c JOIN pg_inherits AS i ON i.inhparent = c.oid
                         WHERE c.relnamespace = to_regnamespace(quote_ident(source_schema))
                           AND c.relname = ANY (tables || 'alembic_version'::text)
                        UNION
                        SELECT i.inhrelid, u.listed FROM under AS u JOIN pg_inherits AS i ON i.inhparent = u.relid)
                    SELECT * FROM under) AS u
              JOIN pg_class AS k ON k.oid = u.relid
             WHERE k.relkind NOT IN ('r', 'p')) AS r;
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
        -- "SELECT 1": Citus plans no empty select list over a distributed table.
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM steam_rec.%I)', name) INTO STRICT has_rows;
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

--------------------------------------------------------------------------------
-- Model governance on a Citus cluster, where model_governance is a reference
-- table: Citus plans no function but an IMMUTABLE one in an upsert's DO UPDATE
-- SET, no VOLATILE one in an UPDATE's WHERE, and no SQL function whose
-- parameter reaches a distributed table.  pin_model() and unpin_model() read
-- now() and the checked id into variables first; _list_stats() is plpgsql.
-- What each does is 1.5's.
CREATE OR REPLACE FUNCTION steam_rec.pin_model(id bigint, note text DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    pinned_model bigint := steam_rec._existing_model($1);
    pinned_time timestamptz := now();
BEGIN
    INSERT INTO steam_rec.model_governance AS g (model_id, pinned, pinned_at, pin_note)
    VALUES (pinned_model, true, pinned_time, $2)
    ON CONFLICT ON CONSTRAINT model_governance_pkey
    DO UPDATE SET pinned = true, pinned_at = pinned_time, pin_note = excluded.pin_note;
END
$$;

CREATE OR REPLACE FUNCTION steam_rec.unpin_model(id bigint) RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    unpinned_model bigint := steam_rec._existing_model($1);
BEGIN
    UPDATE steam_rec.model_governance AS g SET pinned = false, pinned_at = NULL, pin_note = NULL
     WHERE g.model_id = unpinned_model;
END
$$;

CREATE OR REPLACE FUNCTION steam_rec._list_stats(lists jsonb, OUT coverage real, OUT mean_popularity_rank real)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    WITH ranks AS (
        SELECT u.appid, rank() OVER (ORDER BY count(*) DESC) AS popularity_rank
          FROM steam_rec.user_games AS u GROUP BY u.appid
    ), listed AS (
        SELECT g.value::integer AS appid
          FROM jsonb_each(lists) AS l CROSS JOIN LATERAL jsonb_array_elements_text(l.value) AS g
    )
    SELECT (count(DISTINCT listed.appid)::double precision / greatest((SELECT count(*) FROM ranks), 1))::real,
           avg(coalesce(ranks.popularity_rank, (SELECT count(*) FROM ranks) + 1))::real
      INTO coverage, mean_popularity_rank
      FROM listed LEFT JOIN ranks USING (appid);
END
$$;

-- A database distributed before this update gets the settings of
-- model_report(), migrate() and adopt_alembic() that distribute() gives them
-- (the functions were replaced above).
DO $$
BEGIN
    IF to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        IF EXISTS (SELECT FROM pg_catalog.pg_dist_partition WHERE logicalrelid = 'steam_rec.models'::regclass) THEN
            ALTER FUNCTION steam_rec.model_report(bigint, integer) SET citus.multi_shard_modify_mode = 'sequential';
            ALTER FUNCTION steam_rec.migrate(text, boolean) SET citus.multi_shard_modify_mode = 'sequential';
            ALTER FUNCTION steam_rec.adopt_alembic(text) SET citus.multi_shard_modify_mode = 'sequential';
        END IF;
    END IF;
END
$$;

-- The relations of this node named as Citus shards of steam_rec's tables,
-- none without Citus: the shards placed on it and the old copies a shard
-- move leaves until Citus cleans them up.  Their columns, constraints,
-- indexes and triggers are Citus's copies of the tables', named after each
-- shard: _schema_facts() leaves them out, or migration_status() on a node
-- holding shards reported every one of them as changed outside the scripts.
CREATE FUNCTION steam_rec._citus_shards() RETURNS oid[]
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    shards oid[] := '{}';
BEGIN
    IF to_regclass('pg_catalog.pg_dist_shard') IS NOT NULL THEN
        -- Run as text: the catalog and shard_name() exist only with Citus.
        EXECUTE $shards$
            SELECT coalesce(array_agg(s.shard::oid), '{}')
              FROM (SELECT to_regclass(shard_name(d.logicalrelid, d.shardid)) AS shard
                      FROM pg_dist_shard AS d JOIN pg_class AS c ON c.oid = d.logicalrelid
                     WHERE c.relnamespace = 'steam_rec'::regnamespace) AS s
             WHERE s.shard IS NOT NULL
        $shards$ INTO shards;
    END IF;
    RETURN shards;
END
$$;

-- 1.0's, without the shards' facts.
CREATE OR REPLACE FUNCTION steam_rec._schema_facts() RETURNS text[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    WITH shard AS (SELECT unnest(steam_rec._citus_shards()) AS oid)
    SELECT coalesce(array_agg(fact ORDER BY fact), '{}') FROM (
        SELECT format('column %s.%s %s not null=%s default=%s identity=%s', c.relname, a.attname,
                      format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                      a.attidentity) AS fact
          FROM pg_class AS c
          JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          LEFT JOIN pg_attrdef AS d ON d.adrelid = c.oid AND d.adnum = a.attnum
         WHERE c.relnamespace = 'steam_rec'::regnamespace AND c.relkind = 'r'
           AND c.oid NOT IN (SELECT oid FROM shard)
        UNION ALL
        SELECT format('constraint %s.%s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
          FROM pg_constraint WHERE connamespace = 'steam_rec'::regnamespace
           AND conrelid NOT IN (SELECT oid FROM shard)
        UNION ALL
        SELECT format('index %s', pg_get_indexdef(i.indexrelid))
          FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid
         WHERE c.relnamespace = 'steam_rec'::regnamespace AND i.indrelid NOT IN (SELECT oid FROM shard)
        UNION ALL
        SELECT format('trigger %s', pg_get_triggerdef(t.oid))
          FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid
         WHERE c.relnamespace = 'steam_rec'::regnamespace AND NOT t.tgisinternal
           AND t.tgrelid NOT IN (SELECT oid FROM shard)
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

-- Last: the log records the schema as this step leaves it.
SELECT steam_rec._log_migration('1.5', '1.6');
