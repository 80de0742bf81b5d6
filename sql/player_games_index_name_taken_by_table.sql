-- player_games_index_name_taken_by_table: recommend() looks up the covering
-- index of a player's games by name.  With the index dropped and a table (or
-- any relation not an index) made under that name in the schema, every call
-- failed opening it as an index; it is not an index of user_games, so the
-- read goes to the unique key.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 20) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 30) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 37 FROM generate_series(1, 30) AS p, generate_series(1, 20) AS g
 WHERE (p + g * g) % 4 = 0;
SELECT steam_rec.train('itemknn') > 0 AS trained;
CREATE TEMP TABLE with_index AS SELECT * FROM steam_rec.recommend(1, k => 5);

DROP INDEX steam_rec.user_games_player_games;
CREATE TABLE steam_rec.user_games_player_games (user_steam_id bigint, appid int, engagement_score real);
SELECT count(*) AS recommended, count(*) FILTER (WHERE w.appid IS NULL) AS not_as_before
  FROM steam_rec.recommend(1, k => 5) AS r LEFT JOIN with_index AS w USING (rank, appid, score);
DROP TABLE steam_rec.user_games_player_games;

CREATE VIEW steam_rec.user_games_player_games AS SELECT 1 AS one;
SELECT count(*) AS recommended FROM steam_rec.recommend(1, k => 5);
DROP VIEW steam_rec.user_games_player_games;

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
