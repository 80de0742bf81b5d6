-- Helpers shared by the regression tests that follow (pg_regress runs them
-- in one database, in the order of REGRESS).
CREATE SCHEMA regress;

-- Runs a statement that must fail; shows its SQLSTATE, message, detail and
-- hint (with times of day in a failing row masked, so output is stable).
CREATE FUNCTION regress.refusal(statement text)
RETURNS TABLE (code text, message text, detail text, hint text) LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RAISE EXCEPTION 'statement succeeded but should have failed: %', statement;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    detail := regexp_replace(detail, '\w{3} \w{3} \d+ [\d:.]+ \d{4} \w+', '<now>', 'g');
    RETURN NEXT;
END
$$;

-- Everything that defines the installed schema of steam_rec, one line per fact.
-- Deliberately not steam_rec._schema_facts(): the tests compare schemas with
-- an oracle of their own, which also covers grants and comments.
CREATE FUNCTION regress.catalog_snapshot() RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    SELECT format('column %s.%s %s null=%s default=%s identity=%s comment=%s',
                  c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
                  pg_get_expr(d.adbin, d.adrelid), a.attidentity, col_description(c.oid, a.attnum))
      FROM pg_class AS c
      JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef AS d ON d.adrelid = c.oid AND d.adnum = a.attnum
     WHERE c.relnamespace = 'steam_rec'::regnamespace AND c.relkind = 'r'
    UNION ALL
    SELECT format('relation %s kind=%s acl=%s comment=%s', relname, relkind, relacl,
                  obj_description(oid, 'pg_class'))
      FROM pg_class WHERE relnamespace = 'steam_rec'::regnamespace
    UNION ALL
    SELECT format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
      FROM pg_constraint WHERE connamespace = 'steam_rec'::regnamespace
    UNION ALL
    SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'steam_rec'
    UNION ALL
    SELECT format('trigger %s', pg_get_triggerdef(t.oid))
      FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid
     WHERE c.relnamespace = 'steam_rec'::regnamespace AND NOT t.tgisinternal
    UNION ALL
    SELECT format('function %s acl=%s', pg_get_functiondef(oid), proacl)
      FROM pg_proc WHERE pronamespace = 'steam_rec'::regnamespace
    UNION ALL
    SELECT format('member %s', pg_describe_object(classid, objid, 0))
      FROM pg_depend
     WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
       AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'steam_rec')
    UNION ALL
    SELECT format('dump mark %s', cfg::regclass)
      FROM pg_extension, unnest(extconfig) AS cfg WHERE extname = 'steam_rec';
END
$$;

-- A hash of every row of the named steam_rec tables, in a stable order,
-- without the columns named in `ignored` (to compare rows across versions).
CREATE FUNCTION regress.rows_hash(tables text[], ignored text[] DEFAULT '{}') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    name text;
    one text;
    result text := '';
BEGIN
    FOREACH name IN ARRAY tables LOOP
        EXECUTE format('SELECT md5(coalesce(string_agg(r, %L ORDER BY r), %L))
                          FROM (SELECT (to_jsonb(t) - %L::text[])::text AS r FROM steam_rec.%I AS t) AS rows',
                       E'\n', '', ignored, name) INTO one;
        result := result || name || '=' || one || ' ';
    END LOOP;
    RETURN result;
END
$$;

-- Two taste clusters: 30 players, the first 15 owning among games 1-10 (tag
-- Strategy), the others among games 11-20 (tag FPS).  For tests that need a
-- small trained model and do not care about its exact lists.
CREATE FUNCTION regress.load_two_clusters() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 20) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name) SELECT g, CASE WHEN g <= 10 THEN 'Strategy' ELSE 'FPS' END
  FROM generate_series(1, 20) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 30) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 37 FROM generate_series(1, 30) AS p, generate_series(1, 20) AS g
 WHERE (p <= 15) = (g <= 10) AND (p + g) % 3 <> 0;
END
$$;

-- The taste-cluster fixture of the maintenance and model-governance tests:
-- four clusters of ten games (1-40); player p likes cluster p % 4, owns most
-- of its games and, two times in three, one of the popular games 41-44.
-- Games past 44 are in the catalog with no owner.
CREATE PROCEDURE regress.load_taste_clusters(games integer) LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO steam_rec.catalog_cache (appid, name)
SELECT g, 'Game ' || g FROM generate_series(1, games) AS g;
INSERT INTO steam_rec.users (steam_id, username)
SELECT p, 'player_' || p FROM generate_series(1, 240) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, 1 + (p % 4) * 10 + g, 1 + (p * g) % 17
  FROM generate_series(1, 240) AS p, generate_series(0, 9) AS g
 WHERE (p * 7 + g * 3) % 5 <> 0
UNION ALL
SELECT p, 41 + p % 4, 2 FROM generate_series(1, 240) AS p WHERE p % 3 <> 0;
END
$$;

-- The tests drop the extension with rows in it; the guard against that is
-- tested on its own (migration_tools).
SELECT format('ALTER DATABASE %I SET steam_rec.allow_drop = on', current_database()) \gexec
