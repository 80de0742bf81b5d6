-- Adopting the database the Python service built with Alembic: its tables
-- and every row come under the extension, after a full check.
CREATE EXTENSION steam_rec;

-- The service's schema, as its SQLAlchemy models and Alembic migrations made it.
CREATE SCHEMA service;
CREATE TABLE service.alembic_version (version_num varchar(32) PRIMARY KEY);
INSERT INTO service.alembic_version VALUES ('4f2a1c9e7b10');
CREATE TABLE service.users (
    steam_id bigint PRIMARY KEY, username varchar(255) NOT NULL, profile_url text,
    last_sync timestamptz, created_at timestamptz NOT NULL DEFAULT now(), country varchar(2));
CREATE TABLE service.catalog_cache (
    appid integer PRIMARY KEY, name varchar NOT NULL, release_date date, developer varchar,
    publisher varchar, price_cents integer, is_free boolean, updated_at timestamptz DEFAULT now());
CREATE TABLE service.user_games (
    id serial PRIMARY KEY, user_steam_id bigint NOT NULL REFERENCES service.users ON DELETE CASCADE,
    appid integer NOT NULL, playtime_hours double precision DEFAULT 0, engagement_score double precision,
    playtime_category varchar(20), UNIQUE (user_steam_id, appid));
CREATE TABLE service.recommendations (
    user_steam_id bigint REFERENCES service.users ON DELETE CASCADE, appid integer, rank integer,
    score double precision, algorithm varchar(50), generated_at timestamptz DEFAULT now(),
    PRIMARY KEY (user_steam_id, appid));
CREATE TABLE service.game_tags (
    id serial PRIMARY KEY, appid integer REFERENCES service.catalog_cache ON DELETE CASCADE,
    tag_name varchar(100) NOT NULL, position integer, UNIQUE (appid, tag_name));

INSERT INTO service.users (steam_id, username, country, last_sync)
SELECT 76561197960265728 + n, 'player_' || n, CASE WHEN n % 3 = 0 THEN 'DE' END, '2026-11-01'::timestamptz
  FROM generate_series(1, 30) AS n;
INSERT INTO service.catalog_cache (appid, name, price_cents, is_free)
SELECT g, 'Game ' || g, g * 100, g % 4 = 0 FROM generate_series(1, 12) AS g;
INSERT INTO service.user_games (user_steam_id, appid, playtime_hours)
SELECT 76561197960265728 + p, g, (p * g) % 9 FROM generate_series(1, 30) AS p, generate_series(1, 12) AS g
 WHERE (p + g) % 4 = 0;
DELETE FROM service.user_games WHERE id % 10 = 0;  -- gaps, as a live table has
INSERT INTO service.recommendations (user_steam_id, appid, rank, score, algorithm)
SELECT 76561197960265728 + p, g, g, 1.0 / g, 'popularity' FROM generate_series(1, 30) AS p, generate_series(1, 3) AS g;
INSERT INTO service.game_tags (appid, tag_name, position)
SELECT g, t, row_number() OVER (PARTITION BY g) FROM generate_series(1, 12) AS g, unnest(ARRAY['Indie', 'RPG']) AS t;

-- The same rows, column by column, on both sides.
CREATE FUNCTION pg_temp.rows_of(schema_name text, table_name text, columns text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE result text;
BEGIN
    EXECUTE format('SELECT count(*) || '' rows, '' || md5(coalesce(string_agg(r, '','' ORDER BY r), ''''))
                      FROM (SELECT (%s)::text AS r FROM %I.%I) AS t', columns, schema_name, table_name) INTO result;
    RETURN result;
END
$$;
CREATE TEMP TABLE compared (table_name text, columns text);
INSERT INTO compared VALUES
    ('users', 'steam_id, username, profile_url, last_sync, created_at, country'),
    ('catalog_cache', 'appid, name, release_date, developer, publisher, price_cents, is_free, updated_at'),
    ('user_games', 'id, user_steam_id, appid, playtime_hours'),
    ('recommendations', 'user_steam_id, appid, rank, score::real, algorithm, generated_at'),
    ('game_tags', 'id, appid, tag_name, position');

-- 1. Refused while the steam_rec tables already hold rows; nothing copied.
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'already here');
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.adopt_alembic('service')$$);
DELETE FROM steam_rec.users;

-- 2. A schema that does not match is refused with every problem listed.
CREATE SCHEMA broken;
CREATE TABLE broken.alembic_version (version_num varchar(32));
CREATE TABLE broken.users (steam_id bigint, nickname text, notes text);
CREATE TABLE broken.catalog_cache (appid integer, name text);
CREATE TABLE broken.user_games (id integer, user_steam_id bigint, appid text, playtime_hours float);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.adopt_alembic('broken')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.adopt_alembic('nowhere')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.adopt_alembic('regress')$$);
SELECT count(*) AS users_copied FROM steam_rec.users;

-- 2b. Only base tables are adopted: a view (whose function would run with
-- the adopter's rights) or a foreign table is refused before anything is
-- read, every one listed.
CREATE SCHEMA viewed;
CREATE TABLE viewed.calls (n integer);
CREATE FUNCTION viewed.spy() RETURNS integer LANGUAGE sql AS 'INSERT INTO viewed.calls VALUES (1) RETURNING 1';
CREATE VIEW viewed.alembic_version AS SELECT '4f2a1c9e7b10'::varchar(32) AS version_num WHERE viewed.spy() = 1;
CREATE VIEW viewed.users AS SELECT *, viewed.spy() AS spied FROM service.users;
CREATE TABLE viewed.catalog_cache (LIKE service.catalog_cache);
CREATE FOREIGN DATA WRAPPER regress_adopt_wrapper;
CREATE SERVER regress_adopt_server FOREIGN DATA WRAPPER regress_adopt_wrapper;
CREATE FOREIGN TABLE viewed.user_games (id integer, user_steam_id bigint, appid integer)
    SERVER regress_adopt_server;
CREATE TABLE viewed.recommendations (LIKE service.recommendations);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.adopt_alembic('viewed')$$);
SELECT count(*) AS spy_calls FROM viewed.calls;
SELECT count(*) AS users_copied FROM steam_rec.users;
DROP SCHEMA viewed CASCADE;

-- 2c. A partitioned table is read through its partitions: one that is a
-- foreign table, at any depth, is refused as well, named with its parent.
CREATE SCHEMA parted;
CREATE TABLE parted.alembic_version (LIKE service.alembic_version);
CREATE TABLE parted.users (LIKE service.users) PARTITION BY RANGE (steam_id);
CREATE TABLE parted.users_low PARTITION OF parted.users FOR VALUES FROM (MINVALUE) TO (76561197960265800);
CREATE TABLE parted.users_high PARTITION OF parted.users FOR VALUES FROM (76561197960265800) TO (MAXVALUE)
    PARTITION BY RANGE (steam_id);
CREATE FOREIGN TABLE parted.users_remote PARTITION OF parted.users_high
    FOR VALUES FROM (76561197960265800) TO (MAXVALUE) SERVER regress_adopt_server;
CREATE TABLE parted.catalog_cache (LIKE service.catalog_cache);
CREATE TABLE parted.user_games (LIKE service.user_games);
CREATE TABLE parted.recommendations (LIKE service.recommendations);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.adopt_alembic('parted')$$);
SELECT count(*) AS users_copied FROM steam_rec.users;
DROP SCHEMA parted CASCADE;
-- So is a foreign table that inherits from a listed table (the reads take
-- in every table under the one they name).
CREATE SCHEMA inherited;
CREATE TABLE inherited.alembic_version (LIKE service.alembic_version);
CREATE FOREIGN TABLE inherited.alembic_remote () INHERITS (inherited.alembic_version) SERVER regress_adopt_server;
CREATE TABLE inherited.users (LIKE service.users);
CREATE TABLE inherited.users_old () INHERITS (inherited.users);
CREATE FOREIGN TABLE inherited.users_remote () INHERITS (inherited.users_old) SERVER regress_adopt_server;
CREATE TABLE inherited.catalog_cache (LIKE service.catalog_cache);
CREATE TABLE inherited.user_games (LIKE service.user_games);
CREATE TABLE inherited.recommendations (LIKE service.recommendations);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.adopt_alembic('inherited')$$);
SELECT count(*) AS users_copied FROM steam_rec.users;
DROP SCHEMA inherited CASCADE;
DROP SERVER regress_adopt_server;
DROP FOREIGN DATA WRAPPER regress_adopt_wrapper;

-- 3. The service's schema is adopted: every row, the same values.
SELECT * FROM steam_rec.adopt_alembic('service');
SELECT c.table_name, pg_temp.rows_of('service', c.table_name, c.columns) = pg_temp.rows_of('steam_rec', c.table_name, c.columns) AS same_rows
  FROM compared AS c ORDER BY c.table_name;
-- Identity sequences go on after the adopted ids; rows got engagement scores.
INSERT INTO steam_rec.user_games (user_steam_id, appid) VALUES (76561197960265729, 99)
RETURNING id > (SELECT max(id) FROM service.user_games) AS new_id_is_fresh;
SELECT count(*) FILTER (WHERE engagement_score IS NULL) AS unscored FROM steam_rec.user_games;
-- The adoption is in the migration history.
SELECT from_version, to_version, direction, script FROM steam_rec.migration_history() WHERE direction = 'adopt';
SELECT warnings FROM steam_rec.migration_status();

DROP SCHEMA broken CASCADE;
DROP SCHEMA service CASCADE;
DROP EXTENSION steam_rec;
