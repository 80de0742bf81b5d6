-- Migrations keep what the DBA gave the objects a downgrade drops and an
-- upgrade creates again: the README's application role, a maintenance role,
-- a comment, row security and a policy come back unchanged after
-- migrate('base') and back, and after migrate('1.1') and back; the grants put
-- back are the DBA's, not the extension's own (pg_init_privs), so pg_dump
-- still dumps them; migration_status() warns when they were not put back.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 12) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 20) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 17 FROM generate_series(1, 20) AS p, generate_series(1, 12) AS g
 WHERE (p + g) % 3 <> 0;
INSERT INTO steam_rec.game_tags (appid, tag_name) SELECT g, 'Tag ' || g % 3 FROM generate_series(1, 12) AS g;
SELECT steam_rec.refresh_engagement() > 0 AS scored;
SELECT steam_rec.train('itemknn') AS model \gset

-- The README's application role, and a role that maintains the database.
CREATE ROLE regress_keep_app NOLOGIN;
CREATE ROLE regress_keep_maintainer NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec TO regress_keep_app, regress_keep_maintainer;
GRANT SELECT, INSERT, UPDATE, DELETE ON steam_rec.users, steam_rec.user_games, steam_rec.recommendations
   TO regress_keep_app;
GRANT SELECT ON steam_rec.catalog_cache, steam_rec.game_tags, steam_rec.game_stats, steam_rec.engagement_prior
   TO regress_keep_app;
GRANT SELECT ON steam_rec.models, steam_rec.model_games, steam_rec.model_tags TO regress_keep_app;
GRANT USAGE ON SEQUENCE steam_rec.user_games_id_seq TO regress_keep_app;
GRANT EXECUTE ON FUNCTION steam_rec.train(text, jsonb), steam_rec.refresh_engagement(bigint)
   TO regress_keep_maintainer;
-- A column grant on a column a downgrade drops, a grant option passed on by
-- its holder, a privilege taken from PUBLIC, a comment, row security and a policy.
GRANT SELECT (country) ON steam_rec.users TO regress_keep_maintainer;
GRANT SELECT ON steam_rec.model_tags TO regress_keep_maintainer WITH GRANT OPTION;
SET ROLE regress_keep_maintainer;
GRANT SELECT ON steam_rec.model_tags TO regress_keep_app;
RESET ROLE;
REVOKE EXECUTE ON FUNCTION steam_rec.similar_games(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION steam_rec.similar_games(integer, integer) TO regress_keep_app;
GRANT EXECUTE ON FUNCTION steam_rec._delete_model_rows() TO regress_keep_maintainer;
COMMENT ON FUNCTION steam_rec._delete_model_rows() IS 'A comment the DBA gave an uncommented function.';
ALTER TABLE steam_rec.game_stats ENABLE ROW LEVEL SECURITY;
CREATE POLICY regress_keep_popular ON steam_rec.game_stats FOR SELECT TO regress_keep_app USING (owners > 0);

-- Everything a grant, comment or policy can change, one line per fact.
CREATE FUNCTION pg_temp.access_facts() RETURNS SETOF text LANGUAGE sql AS $$
    SELECT format('relation %s acl=%s rls=%s/%s comment=%s', c.relname, c.relacl, c.relrowsecurity,
                  c.relforcerowsecurity, obj_description(c.oid, 'pg_class'))
      FROM pg_class AS c WHERE c.relnamespace = 'steam_rec'::regnamespace
    UNION ALL
    SELECT format('column %s.%s acl=%s comment=%s', c.relname, a.attname, a.attacl, col_description(c.oid, a.attnum))
      FROM pg_class AS c JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.relnamespace = 'steam_rec'::regnamespace
    UNION ALL
    SELECT format('function %s acl=%s comment=%s', p.oid::regprocedure, p.proacl, obj_description(p.oid, 'pg_proc'))
      FROM pg_proc AS p WHERE p.pronamespace = 'steam_rec'::regnamespace
    UNION ALL
    SELECT format('policy %s on %s %s to %s using %s', policyname, tablename, cmd, roles, qual)
      FROM pg_policies WHERE schemaname = 'steam_rec'
    UNION ALL
    -- The extension's own privileges, as pg_dump tells them from the DBA's.
    SELECT format('initial %s %s', pg_describe_object(i.classoid, i.objoid, i.objsubid), i.initprivs)
      FROM pg_init_privs AS i
     WHERE i.privtype = 'e' AND pg_describe_object(i.classoid, i.objoid, i.objsubid) LIKE '%steam_rec.%'
$$;
CREATE TEMP TABLE facts_before AS SELECT pg_temp.access_facts() AS fact;
CREATE TEMP TABLE recommended_before AS SELECT appid, rank FROM steam_rec.recommend(1, k => 5);
GRANT SELECT ON recommended_before TO regress_keep_app;
SELECT count(*) AS tables_the_app_may_read
  FROM pg_class WHERE relnamespace = 'steam_rec'::regnamespace AND relkind = 'r'
   AND has_table_privilege('regress_keep_app', oid, 'SELECT');

-- 1. All the way down and back up.
SELECT kind, object FROM steam_rec.migrate('base') WHERE kind = 'version';
SELECT count(*) > 0 AS privileges_stashed FROM steam_rec.migration_stash WHERE item = 'privileges';
SELECT kind, object FROM steam_rec.migrate() WHERE kind = 'version';
(SELECT 'only after the round trip' AS side, pg_temp.access_facts() AS fact EXCEPT SELECT 'only after the round trip', fact FROM facts_before)
UNION ALL
(SELECT 'only before', fact FROM facts_before EXCEPT SELECT 'only before', pg_temp.access_facts())
ORDER BY 1, 2;
SELECT count(*) AS stash_rows FROM steam_rec.migration_stash;
SELECT count(*) AS tables_the_app_may_read
  FROM pg_class WHERE relnamespace = 'steam_rec'::regnamespace AND relkind = 'r'
   AND has_table_privilege('regress_keep_app', oid, 'SELECT');

-- The application works as before; the maintainer can train.
SET ROLE regress_keep_app;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (3, 3, 4)
RETURNING playtime_category IS NOT NULL AS scored;
(SELECT appid, rank FROM steam_rec.recommend(1, k => 5) EXCEPT SELECT * FROM recommended_before)
UNION ALL
(SELECT * FROM recommended_before EXCEPT SELECT appid, rank FROM steam_rec.recommend(1, k => 5));
SELECT count(*) AS similar FROM steam_rec.similar_games(1, k => 2);
SELECT count(*) AS popular_games_seen FROM steam_rec.game_stats;
RESET ROLE;
DELETE FROM steam_rec.user_games WHERE user_steam_id = 3 AND appid = 3;
SELECT has_function_privilege('regress_keep_maintainer', 'steam_rec.train(text, jsonb)', 'EXECUTE') AS may_train,
       has_column_privilege('regress_keep_maintainer', 'steam_rec.users', 'country', 'SELECT') AS may_read_country;

-- 2. Down to 1.1 and back (the maintainer's EXECUTE on train()).
SELECT kind, object FROM steam_rec.migrate('1.1') WHERE kind = 'version';
SELECT kind, object FROM steam_rec.migrate() WHERE kind = 'version';
(SELECT 'only after the round trip' AS side, pg_temp.access_facts() AS fact EXCEPT SELECT 'only after the round trip', fact FROM facts_before)
UNION ALL
(SELECT 'only before', fact FROM facts_before EXCEPT SELECT 'only before', pg_temp.access_facts())
ORDER BY 1, 2;
SELECT has_function_privilege('regress_keep_maintainer', 'steam_rec.train(text, jsonb)', 'EXECUTE') AS may_train;

-- 3. Grants that the new version's scripts make, and a revoke of the DBA's,
-- survive too: only the DBA's differences from the scripts are put back.
REVOKE SELECT ON steam_rec.model_games FROM regress_keep_app;
SELECT kind, object FROM steam_rec.migrate('1.2') WHERE kind = 'version';
SELECT kind, object FROM steam_rec.migrate() WHERE kind = 'version';
SELECT has_table_privilege('regress_keep_app', 'steam_rec.model_games', 'SELECT') AS app_reads_model_games,
       has_table_privilege('regress_keep_app', 'steam_rec.models', 'SELECT') AS app_reads_models;
GRANT SELECT ON steam_rec.model_games TO regress_keep_app;

-- 4. With the restoring trigger disabled, the privileges stay stashed and
-- migration_status() says so; the next ALTER EXTENSION puts them back.
ALTER EVENT TRIGGER steam_rec_keep_privileges_restore DISABLE;
SELECT kind, object FROM steam_rec.migrate('1.2') WHERE kind = 'version';
SELECT kind, object FROM steam_rec.migrate() WHERE kind = 'version';
SELECT unnest(warnings) AS warning FROM steam_rec.migration_status() ORDER BY 1;
SELECT has_function_privilege('regress_keep_maintainer', 'steam_rec.train(text, jsonb)', 'EXECUTE') AS may_train;
ALTER EVENT TRIGGER steam_rec_keep_privileges_restore ENABLE;
ALTER EXTENSION steam_rec UPDATE;
SELECT has_function_privilege('regress_keep_maintainer', 'steam_rec.train(text, jsonb)', 'EXECUTE') AS may_train;
SELECT warnings FROM steam_rec.migration_status();
(SELECT 'only after the round trip' AS side, pg_temp.access_facts() AS fact EXCEPT SELECT 'only after the round trip', fact FROM facts_before)
UNION ALL
(SELECT 'only before', fact FROM facts_before EXCEPT SELECT 'only before', pg_temp.access_facts())
ORDER BY 1, 2;
SELECT count(*) AS stash_rows FROM steam_rec.migration_stash;

DROP EXTENSION steam_rec;
DROP OWNED BY regress_keep_app, regress_keep_maintainer;
DROP ROLE regress_keep_app;
DROP ROLE regress_keep_maintainer;
