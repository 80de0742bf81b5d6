-- A new game (tags, no owners) listed without any of the player's games
-- tagged like it (a tag filter leaves only such games, or k reaches past the
-- alike ones) is said to be new, never popular: nobody owns it.
CREATE EXTENSION steam_rec;

-- Six strategy games and six shooters, owned; "Strategy Saga II" (199) of
-- the series of "Strategy Saga" (101) but tagged Visual Novel, which none of
-- the owned games is, and "Lone Novel" (198), Visual Novel too, of nothing;
-- "Other Strategy" (197), new and tagged like the strategy games, is what
-- gives the lent weights their scale (catalog_lending.hpp).
INSERT INTO steam_rec.catalog_cache (appid, name, developer, publisher)
SELECT appid, 'Strategy ' || appid, 'Studio ' || appid, 'Publisher ' || appid FROM generate_series(102, 106) AS appid
UNION ALL SELECT appid, 'Shooter ' || appid, 'Studio ' || appid, 'Publisher ' || appid FROM generate_series(201, 206) AS appid
UNION ALL VALUES (101, 'Strategy Saga', 'Saga Works', 'Big Publisher'),
                 (199, 'Strategy Saga II: The Return', 'Saga Works', 'Big Publisher'),
                 (198, 'Lone Novel', 'Lone Studio', 'Lone Publisher'),
                 (197, 'Other Strategy', 'Another Studio', 'Another Publisher');
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT appid, 'Strategy', 1 FROM generate_series(101, 106) AS appid
UNION ALL SELECT appid, 'FPS', 1 FROM generate_series(201, 206) AS appid
UNION ALL VALUES (199, 'Visual Novel', 1), (198, 'Visual Novel', 1), (197, 'Strategy', 1);
INSERT INTO steam_rec.users (steam_id, username)
SELECT n, 'player_' || n FROM generate_series(1, 40) AS n;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, CASE WHEN p <= 20 THEN 100 ELSE 200 END + g, 1 + (p * g) % 30
  FROM generate_series(1, 40) AS p, generate_series(1, 6) AS g
 WHERE (p + g) % 3 <> 0;
SELECT steam_rec.refresh_engagement() >= 0 AS scored;
SELECT steam_rec.train() > 0 AS trained;

-- Only the two new games carry the tag.  Player 1 owns Strategy Saga: the
-- series named, not the games whose weights reached the new one.
SELECT appid, name, because_appids, reason
  FROM steam_rec.recommend(1, k => 5, include_tags => ARRAY['Visual Novel']) ORDER BY appid;
-- The whole catalog: the new games unlike the player's come last, as new.
SELECT appid, name, because_appids, reason FROM steam_rec.recommend(1, k => 20) WHERE appid IN (198, 199) ORDER BY appid;
-- A visitor's list says the same; player 2 does not own Strategy Saga.
SELECT appid, because_appids, reason FROM steam_rec.recommend(2, k => 20) WHERE appid IN (198, 199) ORDER BY appid;
SELECT appid, reason FROM steam_rec.recommend_for_games(ARRAY[101, 103], k => 20)
 WHERE appid IN (198, 199) ORDER BY appid;
-- A game that is owned keeps its reason.
SELECT appid, reason FROM steam_rec.recommend(1, k => 20, include_tags => ARRAY['FPS']) ORDER BY appid LIMIT 1;

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
