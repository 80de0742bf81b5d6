-- The model image file is shared by every backend of the server.  A caller
-- whom row-level security shows only some of the model's rows builds an image
-- of what it sees: that image must stay in its own memory, never become the
-- file everyone else maps; and such a caller does not serve from the file.
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();
SELECT steam_rec.train('itemknn') AS model \gset
CREATE ROLE regress_partial_reader NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec, regress TO regress_partial_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA steam_rec TO regress_partial_reader;
ALTER TABLE steam_rec.model_games ENABLE ROW LEVEL SECURITY;
CREATE POLICY first_cluster_only ON steam_rec.model_games TO regress_partial_reader USING (appid <= 10);

-- The restricted caller comes first: it serves from memory and writes no file.
\c
SET ROLE regress_partial_reader;
SELECT count(*) > 0 AS served FROM steam_rec.recommend_for_games('{1}', k => 3);
SELECT served_from FROM steam_rec.model_image();
RESET ROLE;

-- A caller who reads the tables whole builds the file, and it holds every game.
\c
SELECT string_agg(appid::text, ',' ORDER BY rank) AS shooter_list
  FROM steam_rec.recommend_for_games('{11}', k => 3);
SELECT served_from, builds FROM steam_rec.model_image();
\c
SET ROLE regress_partial_reader;
SELECT served_from FROM steam_rec.model_image() WHERE served_from IS NOT NULL;
SELECT count(*) AS shooter_games_seen FROM steam_rec.recommend_for_games('{11}', k => 3);
SELECT served_from FROM steam_rec.model_image();
RESET ROLE;

DROP POLICY first_cluster_only ON steam_rec.model_games;
DROP OWNED BY regress_partial_reader;
DROP ROLE regress_partial_reader;
DROP EXTENSION steam_rec;
