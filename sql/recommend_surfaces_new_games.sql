-- recommend() can surface a new game (tags, no owners): with
-- steam_rec.new_game_slots = N, up to N of the k places go to the new games
-- whose tags are most like the player's games; 0 (the default) leaves the
-- lists as they were.
CREATE EXTENSION steam_rec;

-- Two taste clusters of six games each, everybody's game, and two new games
-- (a strategy one and a shooter one) that nobody owns.
INSERT INTO steam_rec.catalog_cache (appid, name)
SELECT appid, 'Strategy ' || appid FROM generate_series(101, 106) AS appid
UNION ALL SELECT appid, 'Shooter ' || appid FROM generate_series(201, 206) AS appid
UNION ALL SELECT 300, 'Everybody''s Game'
UNION ALL SELECT 199, 'New Strategy' UNION ALL SELECT 299, 'New Shooter';
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT appid, 'Strategy', 1 FROM generate_series(101, 106) AS appid
UNION ALL SELECT appid, 'Turn-Based', 2 FROM generate_series(101, 106) AS appid
UNION ALL SELECT appid, 'FPS', 1 FROM generate_series(201, 206) AS appid
UNION ALL SELECT appid, 'Action', 2 FROM generate_series(201, 206) AS appid
UNION ALL SELECT 300, 'Casual', 1
UNION ALL VALUES (199, 'Strategy', 1), (199, 'Turn-Based', 2), (299, 'FPS', 1), (299, 'Action', 2);
INSERT INTO steam_rec.users (steam_id, username)
SELECT n, 'player_' || n FROM generate_series(1, 40) AS n;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, CASE WHEN p <= 20 THEN 100 ELSE 200 END + g, 1 + (p * g) % 30
  FROM generate_series(1, 40) AS p, generate_series(1, 6) AS g
 WHERE (p + g) % 3 <> 0
UNION ALL SELECT p, 300, 2 FROM generate_series(1, 40) AS p;
SELECT steam_rec.refresh_engagement() >= 0 AS scored;
SELECT steam_rec.train('hybrid', '{"rerank_candidates": 0}') > 0 AS trained_without_reranker;

-- By default no place is kept for new games, and a new game has no owners
-- to speak for it: the base model does not list it.
SHOW steam_rec.new_game_slots;
SELECT count(*) FILTER (WHERE appid IN (199, 299)) AS new_games_listed, count(*) AS listed
  FROM steam_rec.recommend(1, k => 3);
-- The re-ranker (the default hybrid's) reads each candidate's tags against
-- the player's, and may move one up: here the new strategy game, for the
-- strategy fan.
SELECT steam_rec.train() > 0 AS trained;
SELECT count(*) FILTER (WHERE appid IN (199, 299)) AS new_games_listed, count(*) AS listed
  FROM steam_rec.recommend(1, k => 3);

-- One place kept: the strategy fan gets the new strategy game, last, with
-- its reason; the list keeps its length.
SET steam_rec.new_game_slots = 1;
SELECT rank, appid, name, reason FROM steam_rec.recommend(1, k => 3) ORDER BY rank;
SELECT appid, name, reason FROM steam_rec.recommend(22, k => 3) WHERE appid IN (199, 299);
-- A visitor's list too.
SELECT appid, reason FROM steam_rec.recommend_for_games('{101,102}', k => 2) WHERE appid IN (199, 299);
-- Filters still apply: excluding the game (or its tags) leaves the place to the others.
SELECT count(*) FILTER (WHERE appid IN (199, 299)) AS new_games_listed, count(*) AS listed
  FROM steam_rec.recommend(1, k => 3, exclude_appids => '{199}');
SELECT count(*) FILTER (WHERE appid IN (199, 299)) AS new_games_listed
  FROM steam_rec.recommend(1, k => 3, exclude_tags => '{strategy}');
-- More places than new games like the player's: only those that are alike.
SET steam_rec.new_game_slots = 5;
SELECT count(*) FILTER (WHERE appid IN (199, 299)) AS new_games_listed, count(*) AS listed
  FROM steam_rec.recommend(1, k => 3);
-- A model without a content part cannot tell which new game is alike: none.
SELECT steam_rec.train('ease') > 0 AS ease_trained;
SELECT count(*) FILTER (WHERE appid IN (199, 299)) AS new_games_listed, count(*) AS listed
  FROM steam_rec.recommend(1, k => 3);
RESET steam_rec.new_game_slots;

-- A bad value is refused at SET.
SET steam_rec.new_game_slots = -1;

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
