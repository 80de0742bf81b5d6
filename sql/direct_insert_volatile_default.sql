-- A column with a volatile default is computed row by row as INSERT does:
-- each row's default sees the rows the statement inserted before it.  The
-- direct writers compute a whole batch's defaults before inserting it, so a
-- table with such a default is written through SQL (COPY too gives up its
-- batches there).  nextval() is no such default: it reads no table.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 40) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 30) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 41 FROM generate_series(1, 30) AS p, generate_series(1, 40) AS g
 WHERE (p + g) % 3 = 0 OR (p * 7 + g * 13) % 11 = 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;
SELECT steam_rec.train('itemknn') > 0 AS trained;

CREATE FUNCTION regress.lists_rows() RETURNS bigint VOLATILE LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM steam_rec.recommendations);
END
$$;
CREATE FUNCTION regress.model_rows() RETURNS bigint VOLATILE LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM steam_rec.model_games);
END
$$;

-- Each list row saw a different number of rows before it.
ALTER TABLE steam_rec.recommendations ADD COLUMN regress_before bigint DEFAULT regress.lists_rows();
SET client_min_messages = debug1;
SELECT steam_rec.refresh_recommendations(k => 2) AS written;
RESET client_min_messages;
SELECT count(*) AS rows, count(DISTINCT regress_before) AS different_counts FROM steam_rec.recommendations;
ALTER TABLE steam_rec.recommendations DROP COLUMN regress_before;

-- So did each model_games row.
ALTER TABLE steam_rec.model_games ADD COLUMN regress_before bigint DEFAULT regress.model_rows();
SET client_min_messages = debug1;
SELECT steam_rec.train('popularity') AS model \gset
RESET client_min_messages;
SELECT count(*) AS rows, count(DISTINCT regress_before) AS different_counts
  FROM steam_rec.model_games WHERE model_id = :model;
ALTER TABLE steam_rec.model_games DROP COLUMN regress_before;

-- A sequence's default keeps the direct way, one number a row.
CREATE SEQUENCE regress.row_numbers;
ALTER TABLE steam_rec.recommendations ADD COLUMN regress_number bigint DEFAULT nextval('regress.row_numbers');
SET client_min_messages = debug1;
SELECT steam_rec.refresh_recommendations(k => 2) AS written;
RESET client_min_messages;
SELECT count(*) AS rows, count(DISTINCT regress_number) AS numbers FROM steam_rec.recommendations;
ALTER TABLE steam_rec.recommendations DROP COLUMN regress_number;

DROP SEQUENCE regress.row_numbers;
DROP FUNCTION regress.lists_rows(), regress.model_rows();
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
