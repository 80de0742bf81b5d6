-- One score scale: recommend_for_games() (new games ranked by their tags)
-- and similar_games() (ranked by every score) divide the collaborative part
-- by the same number, the largest final score of a game somebody owned, so
-- for one game they score the games somebody owned alike.  similar_games()
-- (and evaluate()) used the largest score met while summing, which counted the
-- weights new_game_weight lends to new games.
CREATE EXTENSION steam_rec;

-- Strategy and shooter clusters, soundtracks owned by the strategy players,
-- and two new games nobody owns, tagged like each cluster.
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

-- Lent weights larger than any learned one, on an EASE and an itemknn base.
-- Without the re-ranker: it gives each game of a list the base score of the
-- place it moves to, and similar_games() keeps the base order.
CREATE TEMP TABLE compared (base text, appid integer, known integer, scored_differently integer);
SELECT steam_rec.train('hybrid', '{"base": "ease", "new_game_weight": 50, "rerank_candidates": 0}') > 0 AS trained_ease;
INSERT INTO compared
SELECT 'ease', g, count(*), count(*) FILTER (WHERE abs(s.similarity - v.score) > 1e-5 * greatest(1, abs(v.score)))
  FROM unnest('{101,104,201,205,401}'::int[]) AS g,
       LATERAL steam_rec.similar_games(g, k => 20) AS s
  JOIN LATERAL steam_rec.recommend_for_games(ARRAY[g], k => 20) AS v ON v.appid = s.appid
 WHERE s.appid NOT IN (199, 299)
 GROUP BY g;
SELECT steam_rec.train('hybrid', '{"base": "itemknn", "new_game_weight": 50, "rerank_candidates": 0}') > 0
       AS trained_itemknn;
INSERT INTO compared
SELECT 'itemknn', g, count(*), count(*) FILTER (WHERE abs(s.similarity - v.score) > 1e-5 * greatest(1, abs(v.score)))
  FROM unnest('{101,104,201,205,401}'::int[]) AS g,
       LATERAL steam_rec.similar_games(g, k => 20) AS s
  JOIN LATERAL steam_rec.recommend_for_games(ARRAY[g], k => 20) AS v ON v.appid = s.appid
 WHERE s.appid NOT IN (199, 299)
 GROUP BY g;
SELECT * FROM compared ORDER BY base, appid;

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
