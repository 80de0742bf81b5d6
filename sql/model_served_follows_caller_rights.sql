-- A backend keeps the model it loaded between calls.  Whether the caller may
-- be served it is checked at every call, not only at the load: a SET ROLE in
-- a pooled connection, or a REVOKE, is followed at the next call, as a fresh
-- backend would follow it.  Before, a role without SELECT on the model
-- tables was served the model another role had loaded, a REVOKE was ignored
-- by open sessions, and a model built from the rows a restricted role saw
-- was served to everyone after it.
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();
SELECT steam_rec.train('itemknn') > 0 AS trained;
CREATE ROLE regress_app_reader NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec, regress TO regress_app_reader;
GRANT SELECT ON steam_rec.models, steam_rec.catalog_cache TO regress_app_reader;
CREATE ROLE regress_partial_reader NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec, regress TO regress_partial_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA steam_rec TO regress_partial_reader;

-- 1. Loaded by a role that reads the model whole; a role that may not read
-- model_games or model_tags is refused, as in a fresh session.
SELECT string_agg(appid::text, ',' ORDER BY rank) AS shooter_list
  FROM steam_rec.recommend_for_games('{11}', k => 3) \gset
SET ROLE regress_app_reader;
SELECT code, message FROM regress.refusal($$SELECT * FROM steam_rec.recommend_for_games('{11}', k => 3)$$);
SELECT code, message FROM regress.refusal($$SELECT * FROM steam_rec.similar_games(11, k => 3)$$);
RESET ROLE;
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'shooter_list' AS same_list_again
  FROM steam_rec.recommend_for_games('{11}', k => 3);

-- 2. A REVOKE counts from the next call of a session that was served.
GRANT SELECT ON steam_rec.model_games, steam_rec.model_tags TO regress_app_reader;
SET ROLE regress_app_reader;
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'shooter_list' AS granted_served
  FROM steam_rec.recommend_for_games('{11}', k => 3);
RESET ROLE;
REVOKE SELECT ON steam_rec.model_games, steam_rec.model_tags FROM regress_app_reader;
SET ROLE regress_app_reader;
SELECT code, message FROM regress.refusal($$SELECT * FROM steam_rec.recommend_for_games('{11}', k => 3)$$);
RESET ROLE;

-- 3. A role that row-level security shows only the first cluster is served
-- the model of what it sees; the next caller who reads the tables whole gets
-- the whole model again, not that one.  (Row-level security on a table with
-- no policy for a role shows that role no row: only now, after the parts
-- above.)
ALTER TABLE steam_rec.model_games ENABLE ROW LEVEL SECURITY;
CREATE POLICY first_cluster_only ON steam_rec.model_games TO regress_partial_reader USING (appid <= 10);
\c
SET ROLE regress_partial_reader;
SELECT string_agg(appid::text, ',' ORDER BY rank) AS restricted_list
  FROM steam_rec.recommend_for_games('{11}', k => 3) \gset
SELECT :'restricted_list' <> :'shooter_list' AS restricted_list_differs;
-- No file holds that model: the one under its name holds the whole model.
SELECT served_from, file IS NULL AS no_file, builds IS NULL AS no_builds, file_bytes > 0 AS sized
  FROM steam_rec.model_image();
RESET ROLE;
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'shooter_list' AS whole_list_after_restricted
  FROM steam_rec.recommend_for_games('{11}', k => 3);
SELECT served_from, file IS NOT NULL AS file_named FROM steam_rec.model_image();
-- And back: the restricted role again sees only what it may.
SET ROLE regress_partial_reader;
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'restricted_list' AS restricted_list_again
  FROM steam_rec.recommend_for_games('{11}', k => 3);
RESET ROLE;

-- 4. What a restricted role sees may change between calls through things no
-- invalidation reports (a policy reading another table) as well as ones
-- some do (a membership lost, BYPASSRLS): its model is built again at each
-- call, from the rows it sees then.  Before, a role losing the group that
-- granted it a wider policy was still served the wider model.
CREATE ROLE regress_whole_group NOLOGIN;
GRANT regress_whole_group TO regress_partial_reader;
CREATE POLICY whole_for_group ON steam_rec.model_games TO regress_whole_group USING (true);
\c
SET ROLE regress_partial_reader;
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'shooter_list' AS group_sees_whole
  FROM steam_rec.recommend_for_games('{11}', k => 3);
RESET ROLE;
REVOKE regress_whole_group FROM regress_partial_reader;
SET ROLE regress_partial_reader;
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'restricted_list' AS membership_lost_followed
  FROM steam_rec.recommend_for_games('{11}', k => 3);
RESET ROLE;
CREATE TABLE regress.allowed_games (appid integer);
INSERT INTO regress.allowed_games SELECT generate_series(1, 10);
GRANT SELECT ON regress.allowed_games TO regress_partial_reader;
ALTER POLICY first_cluster_only ON steam_rec.model_games USING (appid IN (SELECT appid FROM regress.allowed_games));
SET ROLE regress_partial_reader;
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'restricted_list' AS policy_table_narrow
  FROM steam_rec.recommend_for_games('{11}', k => 3);
RESET ROLE;
INSERT INTO regress.allowed_games SELECT generate_series(11, 20);
SET ROLE regress_partial_reader;
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'shooter_list' AS policy_table_followed
  FROM steam_rec.recommend_for_games('{11}', k => 3);
RESET ROLE;
DELETE FROM regress.allowed_games WHERE appid > 10;
ALTER ROLE regress_partial_reader BYPASSRLS;
SET ROLE regress_partial_reader;
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'shooter_list' AS bypassrls_followed
  FROM steam_rec.recommend_for_games('{11}', k => 3);
RESET ROLE;
ALTER ROLE regress_partial_reader NOBYPASSRLS;
SET ROLE regress_partial_reader;
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'restricted_list' AS nobypassrls_followed
  FROM steam_rec.recommend_for_games('{11}', k => 3);
-- Under row_security = off a restricted caller is refused, as in a fresh
-- session.
SET row_security = off;
SELECT code, message FROM regress.refusal($$SELECT * FROM steam_rec.recommend_for_games('{11}', k => 3)$$);
RESET row_security;
-- The price: every call of a restricted caller reads the model's rows.
CREATE FUNCTION pg_temp.model_rows_read() RETURNS bigint LANGUAGE sql
  AS $$SELECT seq_tup_read + COALESCE(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables
         WHERE relid = 'steam_rec.model_games'::regclass$$;
BEGIN;
SELECT count(*) AS listed FROM steam_rec.recommend_for_games('{11}', k => 3);
SELECT pg_temp.model_rows_read() AS first_reads \gset
SELECT count(*) AS listed FROM steam_rec.recommend_for_games('{11}', k => 3);
SELECT pg_temp.model_rows_read() > :first_reads AS restricted_call_reads_rows;
ROLLBACK;
RESET ROLE;

-- 5. Without row-level security, a role granted each column of the model
-- tables rather than the tables sees them whole: it is served the server's
-- image, and a second call reads no model row.  (A check of the table grant
-- alone loaded the model again at every call.)
ALTER TABLE steam_rec.model_games DISABLE ROW LEVEL SECURITY;
CREATE ROLE regress_column_reader NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec, regress TO regress_column_reader;
GRANT SELECT ON steam_rec.models, steam_rec.catalog_cache, steam_rec.model_tags TO regress_column_reader;
GRANT SELECT (model_id, appid, popularity, neighbors, weights, content_neighbors, content_weights, factors, tags,
              tag_weights) ON steam_rec.model_games TO regress_column_reader;
\c
CREATE FUNCTION pg_temp.model_rows_read() RETURNS bigint LANGUAGE sql
  AS $$SELECT seq_tup_read + COALESCE(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables
         WHERE relid = 'steam_rec.model_games'::regclass$$;
BEGIN;
SET LOCAL ROLE regress_column_reader;
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'shooter_list' AS column_reader_served
  FROM steam_rec.recommend_for_games('{11}', k => 3);
SELECT served_from FROM steam_rec.model_image();
SELECT pg_temp.model_rows_read() AS first_reads \gset
SELECT count(*) AS listed FROM steam_rec.recommend_for_games('{11}', k => 3);
SELECT pg_temp.model_rows_read() = :first_reads AS second_read_none;
ROLLBACK;

-- 6. A transaction that changed the model's rows by hand is served a model
-- built from what it sees, for that call, and writes no shared image: after
-- its ROLLBACK every backend serves the tables' model (before, its rows
-- became the image every backend mapped, until the next training).
SELECT steam_rec.train('itemknn') > 0 AS trained_again;
\c
BEGIN;
UPDATE steam_rec.model_games
   SET weights = (SELECT array_agg(w ORDER BY o DESC) FROM unnest(weights) WITH ORDINALITY AS u(w, o))
 WHERE model_id = (SELECT id FROM steam_rec.models WHERE active);
SELECT string_agg(appid::text, ',' ORDER BY rank) <> :'shooter_list' AS own_rows_served
  FROM steam_rec.recommend_for_games('{11}', k => 3);
SELECT served_from, file IS NULL AS no_file FROM steam_rec.model_image();
ROLLBACK;
\c
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'shooter_list' AS tables_model_served
  FROM steam_rec.recommend_for_games('{11}', k => 3);

-- 7. The model's row in models: an image is named by the row's algorithm
-- and parameters too.  A transaction that changed the algorithm by hand is
-- served what it sees, and no other backend is: before, the popularity
-- model it saw was written under the itemknn model's key and served by every
-- backend after its ROLLBACK.
SELECT steam_rec.train('itemknn') AS unserved_model \gset
SELECT steam_rec.train('popularity') AS popularity_model_id \gset
\c
BEGIN;
UPDATE steam_rec.models SET algorithm = 'popularity' WHERE id = :unserved_model;
SELECT steam_rec.activate_model(:unserved_model);
SELECT string_agg(appid::text, ',' ORDER BY rank) <> :'shooter_list' AS own_row_served
  FROM steam_rec.recommend_for_games('{11}', k => 3);
ROLLBACK;
SELECT steam_rec.activate_model(:unserved_model);
\c
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'shooter_list' AS tables_model_served
  FROM steam_rec.recommend_for_games('{11}', k => 3);
-- The same change committed is served at the next call of every session
-- (before, the image built from the old row was served until a new
-- training), and so is its undoing.
UPDATE steam_rec.models SET algorithm = 'popularity' WHERE id = :unserved_model;
SELECT string_agg(appid::text, ',' ORDER BY rank) <> :'shooter_list' AS committed_change_served
  FROM steam_rec.recommend_for_games('{11}', k => 3);
UPDATE steam_rec.models SET algorithm = 'itemknn' WHERE id = :unserved_model;
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'shooter_list' AS tables_model_served
  FROM steam_rec.recommend_for_games('{11}', k => 3);
-- A write to models that leaves the algorithm and parameters as they were
-- (model_report() flips the active flag to compare lists) still shares the
-- image: no model is built per call.
\c
SELECT count(*) > 0 AS reported FROM steam_rec.model_report(:popularity_model_id, sample_players => 5);
SELECT served_from FROM steam_rec.model_image();

-- 8. With track_counts off the server keeps no count of a transaction's
-- writes: one that wrote anything is served what it sees, with no shared
-- image (before, part 6's hand change became every backend's image).
SELECT steam_rec.train('itemknn') > 0 AS trained_again;
\c
SET track_counts = off;
BEGIN;
UPDATE steam_rec.model_games
   SET weights = (SELECT array_agg(w ORDER BY o DESC) FROM unnest(weights) WITH ORDINALITY AS u(w, o))
 WHERE model_id = (SELECT id FROM steam_rec.models WHERE active);
SELECT string_agg(appid::text, ',' ORDER BY rank) <> :'shooter_list' AS own_rows_served
  FROM steam_rec.recommend_for_games('{11}', k => 3);
SELECT served_from, file IS NULL AS no_file FROM steam_rec.model_image();
ROLLBACK;
-- A transaction that wrote nothing still shares the image.
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'shooter_list' AS tables_model_served
  FROM steam_rec.recommend_for_games('{11}', k => 3);
SELECT served_from FROM steam_rec.model_image();
RESET track_counts;
\c
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'shooter_list' AS tables_model_served
  FROM steam_rec.recommend_for_games('{11}', k => 3);

-- 9. A rewrite of model_games in the transaction (ALTER TABLE ... TYPE, whose
-- new rows the server counts under another relation) is a write too: the
-- rewritten model is served to that transaction only.
SELECT steam_rec.train('itemknn') > 0 AS trained_again;
CREATE FUNCTION regress.reversed(weights real[]) RETURNS real[] LANGUAGE sql IMMUTABLE
    AS $$ SELECT coalesce(array_agg(w ORDER BY o DESC), '{}') FROM unnest(weights) WITH ORDINALITY AS u(w, o) $$;
\c
BEGIN;
ALTER TABLE steam_rec.model_games ALTER COLUMN weights TYPE real[] USING regress.reversed(weights);
SELECT string_agg(appid::text, ',' ORDER BY rank) <> :'shooter_list' AS own_rows_served
  FROM steam_rec.recommend_for_games('{11}', k => 3);
SELECT served_from, file IS NULL AS no_file FROM steam_rec.model_image();
ROLLBACK;
\c
SELECT string_agg(appid::text, ',' ORDER BY rank) = :'shooter_list' AS tables_model_served
  FROM steam_rec.recommend_for_games('{11}', k => 3);
DROP FUNCTION regress.reversed(real[]);

DROP POLICY whole_for_group ON steam_rec.model_games;
DROP POLICY first_cluster_only ON steam_rec.model_games;
DROP TABLE regress.allowed_games;
DROP OWNED BY regress_app_reader, regress_partial_reader, regress_column_reader, regress_whole_group;
DROP ROLE regress_app_reader, regress_partial_reader, regress_column_reader, regress_whole_group;
DROP EXTENSION steam_rec;
