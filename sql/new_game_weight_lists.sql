-- A new game (nobody owns it) to which new_game_weight lends the base
-- model's weights through its tag neighbours: in recommend() lists it
-- competes for the ordinary places by its tags alone, as without the lent
-- weights, which order the new games of the places steam_rec.new_game_slots
-- keeps; its reason names the player's games tagged like it, never the games
-- whose collaborative weights led to it.
CREATE EXTENSION steam_rec;

-- Strategy and shooter clusters, soundtracks owned by the strategy players
-- (tagged unlike any strategy game), and two new games nobody owns.
INSERT INTO steam_rec.catalog_cache (appid, name)
SELECT appid, 'Strategy ' || appid FROM generate_series(101, 106) AS appid
UNION ALL SELECT appid, 'Shooter ' || appid FROM generate_series(201, 206) AS appid
UNION ALL SELECT appid, 'Soundtrack ' || appid FROM generate_series(401, 404) AS appid
UNION ALL SELECT 199, 'New Strategy' UNION ALL SELECT 299, 'New Shooter';
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT appid, 'Strategy', 1 FROM generate_series(101, 106) AS appid
UNION ALL SELECT appid, 'Turn-Based', 2 FROM generate_series(101, 106) AS appid
UNION ALL SELECT appid, 'FPS', 1 FROM generate_series(201, 206) AS appid
UNION ALL SELECT appid, 'Action', 2 FROM generate_series(201, 206) AS appid
UNION ALL SELECT appid, 'Soundtrack', 1 FROM generate_series(401, 404) AS appid
UNION ALL VALUES (199, 'Strategy', 1), (199, 'Turn-Based', 2), (299, 'FPS', 1), (299, 'Action', 2);
INSERT INTO steam_rec.users (steam_id, username)
SELECT n, 'player_' || n FROM generate_series(1, 40) AS n;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, CASE WHEN p <= 20 THEN 100 ELSE 200 END + g, 1 + (p * g) % 30
  FROM generate_series(1, 40) AS p, generate_series(1, 6) AS g
 WHERE (p + g) % 3 <> 0
UNION ALL SELECT p, 400 + s, 1 FROM generate_series(1, 20) AS p, generate_series(1, 4) AS s;
SELECT steam_rec.refresh_engagement() >= 0 AS scored;
-- The lists of the same model without lent weights, to compare with.  Both
-- without the re-ranker: fitted on each model's own lists, the two would
-- re-order them differently whatever the weights.
SELECT steam_rec.train('hybrid', '{"new_game_weight": 0, "rerank_candidates": 0}') > 0 AS trained_without;
CREATE TEMP TABLE without_weights AS
SELECT 'visitor' AS list, rank, appid FROM steam_rec.recommend_for_games('{101,201,401}', k => 12)
UNION ALL SELECT 'player ' || p, rank, appid FROM generate_series(1, 40, 3) AS p, steam_rec.recommend(p, k => 6);
SELECT count(*) FILTER (WHERE appid IN (199, 299)) AS new_games_by_tags, count(*) AS listed FROM without_weights;
-- The default new_game_weight (1) lends new games weights.
SELECT steam_rec.train('hybrid', '{"rerank_candidates": 0}') > 0 AS trained;

-- Without places kept, the lists are those of the model without lent
-- weights: a new game enters by its tags alone, however high its weights.
SHOW steam_rec.new_game_slots;
CREATE TEMP TABLE with_weights AS
SELECT 'visitor' AS list, rank, appid FROM steam_rec.recommend_for_games('{101,201,401}', k => 12)
UNION ALL SELECT 'player ' || p, rank, appid FROM generate_series(1, 40, 3) AS p, steam_rec.recommend(p, k => 6);
SELECT count(*) AS differing_places
  FROM with_weights FULL JOIN without_weights USING (list, rank)
 WHERE with_weights.appid IS DISTINCT FROM without_weights.appid;

-- One kept place holds one new game, two hold both; the list keeps its length.
SET steam_rec.new_game_slots = 1;
SELECT count(*) FILTER (WHERE appid IN (199, 299)) AS new_games_listed, count(*) AS listed
  FROM steam_rec.recommend_for_games('{101,201,401}', k => 4);
SET steam_rec.new_game_slots = 2;
SELECT appid, name FROM steam_rec.recommend_for_games('{101,201,401}', k => 4)
 WHERE appid IN (199, 299) ORDER BY appid;

-- The soundtracks lead to the new strategy game by their weights, but only
-- the strategy game is tagged like it: the reason names that one alone.
SET steam_rec.new_game_slots = 1;
SELECT appid, reason FROM steam_rec.recommend_for_games('{401,402,403,101}', k => 3) WHERE appid IN (199, 299);
-- A list whose games share no tag with a new game does not get it, whatever
-- the weights: nothing tagged like it speaks for it.
SELECT appid, reason FROM steam_rec.recommend_for_games('{401,402,403}', k => 3) WHERE appid IN (199, 299);
-- A player's list too.
SELECT appid, reason FROM steam_rec.recommend(2, k => 3) WHERE appid IN (199, 299);
RESET steam_rec.new_game_slots;

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
