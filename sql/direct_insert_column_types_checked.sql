-- A column whose type a table owner changed (ALTER COLUMN TYPE) is written
-- as INSERT would: converted to the new type, a domain's CHECK applied.  The
-- direct writers build Datums of the original types, so such a table is
-- written through SQL; a column the rows do not fill whose domain refuses
-- NULL fails the write, as INSERT's null coerced to the domain does.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 40) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 30) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 41 FROM generate_series(1, 30) AS p, generate_series(1, 40) AS g
 WHERE (p + g) % 3 = 0 OR (p * 7 + g * 13) % 11 = 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;
SELECT steam_rec.train('popularity') AS reference \gset

-- popularity as double precision: the stored values are the model's.
ALTER TABLE steam_rec.model_games ALTER COLUMN popularity TYPE double precision;
SET client_min_messages = debug1;
SELECT steam_rec.train('popularity') AS converted \gset
RESET client_min_messages;
SELECT count(*) AS rows, count(*) FILTER (WHERE a.popularity::real = b.popularity::real) AS same_popularity
  FROM steam_rec.model_games AS a JOIN steam_rec.model_games AS b USING (appid)
 WHERE a.model_id = :reference AND b.model_id = :converted;
ALTER TABLE steam_rec.model_games ALTER COLUMN popularity TYPE real;

-- popularity as a domain over real whose CHECK every row fails: the
-- training fails with the domain's error and stores no row.
CREATE DOMAIN regress.tiny_real AS real CHECK (VALUE < -1);
ALTER TABLE steam_rec.model_games ALTER COLUMN popularity TYPE regress.tiny_real
    USING (popularity - 10)::regress.tiny_real;
SELECT code, message FROM regress.refusal($$SELECT steam_rec.train('popularity')$$);
SELECT count(*) AS rows_over_the_domain FROM steam_rec.model_games WHERE popularity >= -1;
ALTER TABLE steam_rec.model_games ALTER COLUMN popularity TYPE real USING (popularity + 10)::real;

-- A refresh's score as a domain over real: the same.
CREATE DOMAIN regress.negative_real AS real CHECK (VALUE < 0);
ALTER TABLE steam_rec.recommendations ALTER COLUMN score TYPE regress.negative_real;
SET client_min_messages = debug1;
SELECT code, message FROM regress.refusal($$SELECT steam_rec.refresh_recommendations(k => 2)$$);
RESET client_min_messages;
SELECT count(*) AS lists_rows FROM steam_rec.recommendations;
ALTER TABLE steam_rec.recommendations ALTER COLUMN score TYPE real;

-- A column the rows do not fill, of a domain that refuses NULL and has no
-- default: INSERT fails on it, so the direct writes must too.
CREATE DOMAIN regress.required_text AS text NOT NULL;
ALTER TABLE steam_rec.recommendations ADD COLUMN regress_note regress.required_text;
SELECT code, message FROM regress.refusal($$SELECT steam_rec.refresh_recommendations(k => 2)$$);
SELECT count(*) AS lists_rows FROM steam_rec.recommendations;
ALTER TABLE steam_rec.recommendations DROP COLUMN regress_note;
DELETE FROM steam_rec.models WHERE NOT active;
TRUNCATE steam_rec.model_games;
ALTER TABLE steam_rec.model_games ADD COLUMN regress_note regress.required_text;
SELECT code, message FROM regress.refusal($$SELECT steam_rec.train('popularity')$$);
SELECT count(*) AS model_rows FROM steam_rec.model_games;
ALTER TABLE steam_rec.model_games DROP COLUMN regress_note;
-- With a default the domain accepts, the rows are written (directly).
ALTER TABLE steam_rec.model_games ADD COLUMN regress_note regress.required_text DEFAULT 'noted';
SET client_min_messages = debug1;
SELECT steam_rec.train('popularity') > 0 AS trained;
RESET client_min_messages;
SELECT regress_note, count(*) > 0 AS rows FROM steam_rec.model_games GROUP BY 1;
ALTER TABLE steam_rec.model_games DROP COLUMN regress_note;

DROP DOMAIN regress.tiny_real, regress.negative_real, regress.required_text;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
