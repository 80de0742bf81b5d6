-- train() writes model_games rows straight into the table (tuples
-- built from the model's arrays, bulk-inserted as COPY does) where that
-- writes what its INSERT would, and through SQL where it would not: a
-- trigger on the table.  Both write the
-- same rows; the table's CHECK constraints and primary key hold on both.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 300) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT g, t, n FROM generate_series(1, 300) AS g,
       LATERAL (VALUES ('Group ' || g % 3, 1), ('Tag ' || g % 7, 2)) AS tag(t, n);
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 200) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 41 FROM generate_series(1, 200) AS p, generate_series(1, 300) AS g
 WHERE (g % 5 = p % 5 AND (p + g) % 6 = 0) OR (p * 7 + g * 13) % 37 = 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;

CREATE FUNCTION regress.stored(id bigint) RETURNS text LANGUAGE sql AS $$
    SELECT format('%s rows, %s', count(*),
                  md5(string_agg(format('%s %s %s %s %s %s %s %s %s', appid, popularity, neighbors, weights,
                                        content_neighbors, content_weights, factors, tags, tag_weights),
                                 ';' ORDER BY appid)))
      FROM steam_rec.model_games WHERE model_id = id
$$;
-- Each algorithm's model (ials: factors; content: content neighbours; the
-- others: neighbours), on 1 and 2 threads (itemknn's staged store on 2).
CREATE FUNCTION regress.train_all(way text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    algorithm text;
    threads int;
BEGIN
    FOR algorithm IN SELECT a.name FROM steam_rec.algorithms() AS a LOOP
        FOREACH threads IN ARRAY ARRAY[1, 2] LOOP
            PERFORM set_config('steam_rec.max_threads', threads::text, true);
            INSERT INTO regress.models
            SELECT way, algorithm, threads,
                   regress.stored(steam_rec.train(algorithm, CASE algorithm WHEN 'ials'
                                  THEN '{"factors": 8, "iterations": 3}' ELSE '{}' END::jsonb));
        END LOOP;
    END LOOP;
END
$$;
CREATE TABLE regress.models (way text, algorithm text, threads int, stored text);

-- Written directly.
SELECT regress.train_all('direct');
SET client_min_messages = debug1;
SELECT steam_rec.train('popularity') > 0 AS trained;
RESET client_min_messages;

-- Through SQL: a user's row trigger on model_games fires for every row.
CREATE TABLE regress.rows_seen (model_id bigint, appid int);
CREATE FUNCTION regress.see_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO regress.rows_seen VALUES (NEW.model_id, NEW.appid);
    RETURN NEW;
END
$$;
CREATE TRIGGER see_row AFTER INSERT ON steam_rec.model_games FOR EACH ROW EXECUTE FUNCTION regress.see_row();
SELECT regress.train_all('sql, trigger');
SET client_min_messages = debug1;
SELECT steam_rec.train('popularity') > 0 AS trained;
RESET client_min_messages;
SELECT count(*) = (SELECT count(*) FROM steam_rec.model_games g JOIN regress.rows_seen USING (model_id, appid))
       AND count(*) > 0 AS trigger_saw_every_row
  FROM regress.rows_seen;
DROP TRIGGER see_row ON steam_rec.model_games;

-- Directly: a column of the user's, filled by its (not volatile) default.
ALTER TABLE steam_rec.model_games ADD COLUMN note text NOT NULL DEFAULT 'kept';
SELECT regress.train_all('direct, extra column');
SET client_min_messages = debug1;
SELECT steam_rec.train('popularity') > 0 AS trained;
RESET client_min_messages;
SELECT count(*) AS rows_without_note FROM steam_rec.model_games WHERE note IS DISTINCT FROM 'kept';
ALTER TABLE steam_rec.model_games DROP COLUMN note;

-- Direct again, with the dropped column in the table.
SELECT regress.train_all('direct, dropped column');
SET client_min_messages = debug1;
SELECT steam_rec.train('popularity') > 0 AS trained;
RESET client_min_messages;

-- Every way wrote the same rows.
SELECT algorithm, threads, count(DISTINCT stored) AS different_rows, count(*) AS ways
  FROM regress.models GROUP BY algorithm, threads ORDER BY algorithm, threads;

-- A CHECK constraint of the user's (for new rows) holds on the direct path:
-- the training fails with the constraint's error and leaves no row.
CREATE TABLE regress.last_model AS SELECT max(id) AS id FROM steam_rec.models;
ALTER TABLE steam_rec.model_games ADD CONSTRAINT few_neighbors CHECK (pg_catalog.cardinality(neighbors) < 3) NOT VALID;
SET steam_rec.max_threads = 2;
SELECT code, message FROM regress.refusal($$SELECT steam_rec.train('itemknn')$$);
SELECT code, message FROM regress.refusal($$SELECT steam_rec.train('rp3beta')$$);
RESET steam_rec.max_threads;
ALTER TABLE steam_rec.model_games DROP CONSTRAINT few_neighbors;
-- So does the primary key: a row already there under the next model's id.
INSERT INTO steam_rec.model_games (model_id, appid, popularity)
SELECT s.last_value + 1, 1, 0 FROM steam_rec.models_id_seq AS s;
SELECT code, message FROM regress.refusal($$SELECT steam_rec.train('itemknn')$$);
DELETE FROM steam_rec.model_games WHERE model_id > (SELECT id FROM regress.last_model);
SELECT (SELECT count(*) FROM steam_rec.models WHERE id > l.id) AS models_left,
       (SELECT count(*) FROM steam_rec.model_games WHERE model_id > l.id) AS rows_left
  FROM regress.last_model AS l;
SELECT count(*) > 0 AS active_model FROM steam_rec.models WHERE active;
-- The model still serves.
SELECT count(*) > 0 AS serves FROM steam_rec.recommend(1, k => 5);

DROP TABLE regress.models, regress.rows_seen, regress.last_model;
DROP FUNCTION regress.train_all(text);
DROP FUNCTION regress.see_row();
DROP FUNCTION regress.stored(bigint);
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
