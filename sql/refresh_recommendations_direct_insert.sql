-- refresh_recommendations() inserts its rows into steam_rec.recommendations
-- without the executor (heap multi-insert, then the indexes) when nothing but
-- constraints acts on an insert there; with a trigger, a rule, row-level
-- security, a generated column or REPEATABLE READ it writes through SQL.
-- Both ways write the same lists, and the direct way still applies the
-- table's defaults, CHECK constraints and unique indexes.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 12) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 40) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 29 FROM generate_series(1, 40) AS p, generate_series(1, 12) AS g
 WHERE (g % 2 = p % 2 AND (p + g) % 3 <> 0) OR (p * 5 + g) % 11 = 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;
SELECT steam_rec.train('itemknn') > 0 AS trained;

CREATE TEMP VIEW list_hash AS
SELECT count(*) AS rows,
       md5(string_agg(format('%s %s %s %s %s', user_steam_id, appid, rank, score, algorithm), ';'
                      ORDER BY user_steam_id, appid)) AS lists
  FROM steam_rec.recommendations;
CREATE TEMP TABLE hashes (path text, rows bigint, lists text);

-- The direct way (a plain table, a superuser).
SELECT steam_rec.refresh_recommendations(k => 5) AS direct_written;
INSERT INTO hashes SELECT 'direct', * FROM list_hash;
SELECT count(*) FILTER (WHERE generated_at IS NULL) AS without_time FROM steam_rec.recommendations;

-- A user's statement trigger sends the refresh through SQL: the same lists.
CREATE FUNCTION public.count_statement() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN RAISE NOTICE 'statement trigger fired'; RETURN NULL; END$$;
CREATE TRIGGER on_lists AFTER INSERT ON steam_rec.recommendations
  FOR EACH STATEMENT EXECUTE FUNCTION public.count_statement();
DELETE FROM steam_rec.recommendations;
SELECT steam_rec.refresh_recommendations(k => 5) AS sql_written;
INSERT INTO hashes SELECT 'sql', * FROM list_hash;
DROP TRIGGER on_lists ON steam_rec.recommendations;
SELECT count(DISTINCT lists) AS distinct_lists, min(rows) AS rows FROM hashes;

-- A user's row trigger sees every row.
CREATE TABLE public.seen_rows (user_steam_id bigint, appid integer);
CREATE FUNCTION public.log_row() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN INSERT INTO public.seen_rows VALUES (NEW.user_steam_id, NEW.appid); RETURN NEW; END$$;
CREATE TRIGGER log_lists BEFORE INSERT ON steam_rec.recommendations FOR EACH ROW EXECUTE FUNCTION public.log_row();
SELECT steam_rec.refresh_recommendations(k => 3) AS written;
SELECT count(*) AS rows_seen_by_trigger FROM public.seen_rows;
DROP TRIGGER log_lists ON steam_rec.recommendations;

-- A CHECK constraint a user added is applied, and the refresh changes nothing.
SELECT steam_rec.refresh_recommendations(k => 5) AS written;
ALTER TABLE steam_rec.recommendations ADD CONSTRAINT regress_top_three CHECK (rank <= 3) NOT VALID;
\set VERBOSITY terse
SELECT steam_rec.refresh_recommendations(k => 4);
\set VERBOSITY default
SELECT count(*) AS rows, max(rank) AS deepest_rank FROM steam_rec.recommendations;
ALTER TABLE steam_rec.recommendations DROP CONSTRAINT regress_top_three;

-- A unique index a user added (partial, on another key) is applied too.
DELETE FROM steam_rec.recommendations;
CREATE UNIQUE INDEX regress_one_first_place_per_game ON steam_rec.recommendations (appid) WHERE rank = 1;
SELECT steam_rec.refresh_recommendations(k => 2);
SELECT count(*) AS rows FROM steam_rec.recommendations;
DROP INDEX steam_rec.regress_one_first_place_per_game;

-- A column a user added gets its default; a stored generated column takes
-- the SQL way, which computes it.
ALTER TABLE steam_rec.recommendations ADD COLUMN regress_note text DEFAULT 'from a refresh';
SELECT steam_rec.refresh_recommendations(k => 2) AS written;
SELECT regress_note, count(*) FROM steam_rec.recommendations GROUP BY 1;
ALTER TABLE steam_rec.recommendations DROP COLUMN regress_note;
ALTER TABLE steam_rec.recommendations ADD COLUMN regress_double_rank integer GENERATED ALWAYS AS (rank * 2) STORED;
SELECT steam_rec.refresh_recommendations(k => 2) AS written;
SELECT count(*) FILTER (WHERE regress_double_rank = rank * 2) AS generated, count(*) AS rows
  FROM steam_rec.recommendations;
ALTER TABLE steam_rec.recommendations DROP COLUMN regress_double_rank;

-- The foreign key sees the rows: deleting a player cascades to them, and
-- changing the key of a player who owns no game (so only the lists refer to
-- it) is refused.
SELECT steam_rec.refresh_recommendations(k => 5) AS written;
INSERT INTO hashes SELECT 'direct again', * FROM list_hash;
SELECT count(DISTINCT lists) AS distinct_lists FROM hashes;
INSERT INTO steam_rec.users (steam_id, username) VALUES (41, 'player_41');
SELECT steam_rec.refresh_recommendations(41, k => 5) AS player_41_written;
UPDATE steam_rec.users SET steam_id = 1041 WHERE steam_id = 41;
DELETE FROM steam_rec.users WHERE steam_id = 41;
DELETE FROM steam_rec.users WHERE steam_id = 7;
SELECT count(*) AS player_7_rows FROM steam_rec.recommendations WHERE user_steam_id = 7;

-- Row-level security for the caller takes the SQL way, whose policy check
-- refuses rows past rank 2.
CREATE ROLE regress_ranked_writer NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec TO regress_ranked_writer;
GRANT SELECT, UPDATE ON steam_rec.users TO regress_ranked_writer;
GRANT SELECT ON steam_rec.user_games, steam_rec.models, steam_rec.model_games, steam_rec.model_tags,
                steam_rec.game_tags, steam_rec.catalog_cache TO regress_ranked_writer;
GRANT SELECT, INSERT, DELETE ON steam_rec.recommendations TO regress_ranked_writer;
GRANT EXECUTE ON FUNCTION steam_rec.refresh_recommendations(bigint, integer) TO regress_ranked_writer;
ALTER TABLE steam_rec.recommendations ENABLE ROW LEVEL SECURITY;
CREATE POLICY regress_read ON steam_rec.recommendations FOR SELECT USING (true);
CREATE POLICY regress_delete ON steam_rec.recommendations FOR DELETE USING (true);
CREATE POLICY regress_top_two ON steam_rec.recommendations FOR INSERT WITH CHECK (rank <= 2);
SET ROLE regress_ranked_writer;
SELECT steam_rec.refresh_recommendations(k => 2) AS written_top_two;
SELECT steam_rec.refresh_recommendations(k => 3);
RESET ROLE;
SELECT max(rank) AS deepest_rank FROM steam_rec.recommendations;
ALTER TABLE steam_rec.recommendations DISABLE ROW LEVEL SECURITY;
DROP POLICY regress_read ON steam_rec.recommendations;
DROP POLICY regress_delete ON steam_rec.recommendations;
DROP POLICY regress_top_two ON steam_rec.recommendations;

-- REPEATABLE READ takes the SQL way; the lists are the same.
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT steam_rec.refresh_recommendations(k => 5) AS written;
COMMIT;
CREATE TEMP TABLE later_hashes AS SELECT 'repeatable read' AS path, * FROM list_hash;
SELECT steam_rec.refresh_recommendations(k => 5) AS written;
INSERT INTO later_hashes SELECT 'direct', * FROM list_hash;
SELECT count(DISTINCT lists) AS distinct_lists, min(rows) AS rows FROM later_hashes;

DROP VIEW list_hash;
DROP OWNED BY regress_ranked_writer;
DROP ROLE regress_ranked_writer;
DROP TABLE public.seen_rows;
DROP FUNCTION public.count_statement();
DROP FUNCTION public.log_row();
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
