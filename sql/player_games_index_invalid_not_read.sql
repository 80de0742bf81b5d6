-- player_games_index_invalid_not_read: recommend() reads a player's games
-- from user_games_player_games (1.6) only while that index is valid.  An
-- index left invalid (a failed CREATE INDEX CONCURRENTLY, or one being
-- built) may lack rows: read, games the player owns would be recommended.
-- A dropped index, one not valid and a partial one send the read to the
-- unique key.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 30) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 60) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 37 FROM generate_series(1, 60) AS p, generate_series(1, 30) AS g
 WHERE (p + g * g) % 5 = 0;
SELECT steam_rec.train('itemknn') > 0 AS trained;

-- The index as the 1.6 script made it, and read by recommend().
SELECT indexdef FROM pg_indexes WHERE indexname = 'user_games_player_games';
SELECT count(*) FROM steam_rec.recommend(1, k => 5);
SELECT idx_scan > 0 AS read_through_it
  FROM pg_stat_get_xact_numscans('steam_rec.user_games_player_games'::regclass) AS idx_scan;

-- Player 1 owns nothing of the index's knowledge past this point: the index
-- is marked not valid and not ready, so the rows inserted now skip it.
UPDATE pg_index SET indisvalid = false, indisready = false
 WHERE indexrelid = 'steam_rec.user_games_player_games'::regclass;
CREATE TEMP TABLE first_picks AS SELECT appid FROM steam_rec.recommend(1, k => 3);
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT 1, appid, 10 FROM first_picks;

-- Owned games are never recommended: the read went to the unique key.
SELECT count(*) AS owned_games_recommended
  FROM steam_rec.recommend(1, k => 10) AS r
  JOIN steam_rec.user_games AS g ON g.user_steam_id = 1 AND g.appid = r.appid;

-- Dropped, the same.
DROP INDEX steam_rec.user_games_player_games;
SELECT count(*) AS owned_games_recommended
  FROM steam_rec.recommend(1, k => 10) AS r
  JOIN steam_rec.user_games AS g ON g.user_steam_id = 1 AND g.appid = r.appid;

-- An index of that name made by hand that is partial (here: holding no row
-- of player 1) is not read either.
CREATE INDEX user_games_player_games ON steam_rec.user_games (user_steam_id, appid) INCLUDE (engagement_score)
 WHERE appid > 1000000;
SELECT count(*) AS owned_games_recommended
  FROM steam_rec.recommend(1, k => 10) AS r
  JOIN steam_rec.user_games AS g ON g.user_steam_id = 1 AND g.appid = r.appid;
DROP INDEX steam_rec.user_games_player_games;

-- Built again, it is read again and names the same games.
CREATE INDEX user_games_player_games ON steam_rec.user_games (user_steam_id, appid) INCLUDE (engagement_score);
VACUUM steam_rec.user_games;  -- all-visible pages: read from the index alone
SELECT count(*) AS owned_games_recommended
  FROM steam_rec.recommend(1, k => 10) AS r
  JOIN steam_rec.user_games AS g ON g.user_steam_id = 1 AND g.appid = r.appid;

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
