-- Migration tooling: history, status, plans, migrate() and its dry run, the
-- DROP EXTENSION guard, a failing step, and every upgrade path against a
-- fresh install.

-- 1. History: every step, with its script, checksum, direction and author.
CREATE EXTENSION steam_rec VERSION '1.0';
ALTER EXTENSION steam_rec UPDATE TO '1.2';
ALTER EXTENSION steam_rec UPDATE TO '1.1';
SELECT id, from_version, to_version, direction, script, checksum ~ '^[0-9a-f]{32}$' AS has_md5,
       script_unchanged, applied_by = current_user AS by_me, command
  FROM steam_rec.migration_history();
SELECT checksum = md5(steam_rec._script_text(script)) AS checksum_is_md5_of_script
  FROM steam_rec.migration_history() GROUP BY 1;

-- 2. Status at 1.1 under the 1.2 library: pending steps and the skew.
SELECT installed_version, newest_version, default_version, library_version, sql_matches_library,
       pending_steps, warnings
  FROM steam_rec.migration_status();

-- 3. Plans: relative, absolute and symbolic targets, each step with its SQL.
SELECT step, from_version, to_version, direction, script, checksum = md5(sql) AS checksum_matches,
       split_part(sql, E'\n', 1) AS first_line
  FROM steam_rec.migration_plan('head');
SELECT step, from_version, to_version, direction FROM steam_rec.migration_plan('-1');
SELECT step, from_version, to_version, direction FROM steam_rec.migration_plan('base');
SELECT count(*) AS steps_to_current FROM steam_rec.migration_plan('current');
SELECT count(*) AS steps_to_1_1 FROM steam_rec.migration_plan('1.1');
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.migration_plan('+7')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.migration_plan('9.9')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.migration_plan('')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec._script_text('../../../../etc/passwd')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec._script_text('steam_rec--9.9.sql')$$);

-- 4. A dry run reports what the update would do and changes nothing.
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'one'), (2, 'two');
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1, 10, 3), (2, 10, 0);
CREATE TEMP TABLE facts_before AS SELECT unnest(steam_rec._schema_facts()) AS fact;
SELECT kind, count(*) FROM steam_rec.migrate('head', dry_run => true) GROUP BY kind ORDER BY kind;
SELECT kind, object, detail FROM steam_rec.migrate('+1', dry_run => true)
 WHERE kind IN ('step', 'rows', 'dry run') OR (kind = 'lock' AND object = 'steam_rec.user_games')
 ORDER BY kind, object;
SELECT extversion FROM pg_extension WHERE extname = 'steam_rec';
SELECT count(*) AS facts_changed
  FROM (SELECT unnest(steam_rec._schema_facts()) EXCEPT SELECT fact FROM facts_before) AS changed;
SELECT count(*) AS history_rows FROM steam_rec.migration_history();

-- 5. migrate() for real, then nothing left to do.
SELECT * FROM steam_rec.migrate();
SELECT * FROM steam_rec.migrate('head');
SELECT extversion FROM pg_extension WHERE extname = 'steam_rec';
SELECT count(engagement_score) AS scored FROM steam_rec.user_games;

-- 6. Objects changed outside the scripts, and member tables not marked for dump.
CREATE INDEX user_games_hours_idx ON steam_rec.user_games (playtime_hours);
CREATE TABLE steam_rec.side_table (x integer);
ALTER EXTENSION steam_rec ADD TABLE steam_rec.side_table;
SELECT unnest(warnings) AS warning FROM steam_rec.migration_status();
ALTER EXTENSION steam_rec DROP TABLE steam_rec.side_table;
DROP TABLE steam_rec.side_table;
DROP INDEX steam_rec.user_games_hours_idx;
SELECT warnings FROM steam_rec.migration_status();

-- 7. A step that fails halfway leaves the previous version and nothing of the step.
ALTER EXTENSION steam_rec UPDATE TO '1.1';
CREATE TABLE steam_rec.game_stats (appid integer);  -- the 1.2 script will collide with it
SELECT count(*) AS history_before FROM steam_rec.migration_history() \gset
ALTER EXTENSION steam_rec UPDATE TO '1.2';
SELECT extversion,
       to_regprocedure('steam_rec.refresh_engagement(bigint)') AS refresh_engagement,
       (SELECT count(*) FROM pg_attribute WHERE attrelid = 'steam_rec.user_games'::regclass
           AND attname = 'playtime_2weeks_hours') AS new_columns,
       (SELECT count(*) FROM steam_rec.migration_history()) = :history_before AS history_unchanged
  FROM pg_extension WHERE extname = 'steam_rec';
DROP TABLE steam_rec.game_stats;
ALTER EXTENSION steam_rec UPDATE TO '1.2';

-- 8. DROP EXTENSION is refused while the tables hold rows, unless allowed.
SET steam_rec.allow_drop = off;
SELECT * FROM regress.refusal($$DROP EXTENSION steam_rec$$);
SELECT * FROM regress.refusal($$DROP SCHEMA steam_rec CASCADE$$);
SELECT extversion FROM pg_extension WHERE extname = 'steam_rec';
DELETE FROM steam_rec.users;
DELETE FROM steam_rec.game_stats;
DELETE FROM steam_rec.engagement_prior;
DROP EXTENSION steam_rec;  -- empty tables: nothing to lose
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'one');
-- Targets refused at the newest version: NULL as every NULL argument (22004),
-- a step of any length past the ends as one that cannot be moved (quoted cut
-- to 64 characters).
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.migration_plan(NULL)$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.migration_plan_sql(NULL::text)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.migration_plan('-2147483648')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.migration_plan('+' || repeat('9', 100))$$);
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;

-- 9. Every upgrade path builds exactly what a fresh install of its target builds.
CREATE TEMP TABLE fresh (version text, fact text);
DO $$
DECLARE
    v text;
BEGIN
    FOR v IN SELECT version FROM pg_available_extension_versions WHERE name = 'steam_rec' LOOP
        EXECUTE format('CREATE EXTENSION steam_rec VERSION %L', v);
        INSERT INTO fresh SELECT v, regress.catalog_snapshot();
        DROP EXTENSION steam_rec;
    END LOOP;
END
$$;
CREATE TEMP TABLE path_differences (source text, target text, side text, fact text);
DO $$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT source, target FROM pg_extension_update_paths('steam_rec') WHERE path IS NOT NULL LOOP
        EXECUTE format('CREATE EXTENSION steam_rec VERSION %L', p.source);
        EXECUTE format('ALTER EXTENSION steam_rec UPDATE TO %L', p.target);
        INSERT INTO path_differences
        SELECT p.source, p.target, d.side, d.fact
          FROM ((SELECT 'only via the path' AS side, f AS fact FROM regress.catalog_snapshot() AS f
                 EXCEPT SELECT 'only via the path', fact FROM fresh WHERE version = p.target)
                UNION ALL
                (SELECT 'only when fresh', fact FROM fresh WHERE version = p.target
                 EXCEPT SELECT 'only when fresh', f FROM regress.catalog_snapshot() AS f)) AS d;
        DROP EXTENSION steam_rec;
        -- One transaction per path: every object a path creates and drops
        -- keeps its lock to the end of the transaction, and 56 paths in one
        -- ran out of the lock table of a server with default settings.
        COMMIT;
    END LOOP;
END
$$;
SELECT count(*) AS paths_compared FROM pg_extension_update_paths('steam_rec') WHERE path IS NOT NULL;
SELECT * FROM path_differences;
