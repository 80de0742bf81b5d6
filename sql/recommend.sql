-- The recommendation engine on a fixture with a known answer: two taste
-- clusters (strategy fans and shooter fans), a game everybody owns, a new
-- strategy game nobody owns yet, and a player who owns nothing.
CREATE EXTENSION steam_rec;

INSERT INTO steam_rec.catalog_cache (appid, name)
SELECT appid, 'Strategy ' || appid FROM generate_series(101, 107) AS appid
UNION ALL SELECT appid, 'Shooter ' || appid FROM generate_series(201, 206) AS appid
UNION ALL SELECT 300, 'Everybody''s Game';
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT appid, 'Strategy', 1 FROM generate_series(101, 107) AS appid
UNION ALL SELECT appid, 'Turn-Based', 2 FROM generate_series(101, 107) AS appid
UNION ALL SELECT appid, 'FPS', 1 FROM generate_series(201, 206) AS appid
UNION ALL SELECT appid, 'Action', 2 FROM generate_series(201, 206) AS appid
UNION ALL SELECT 300, 'Casual', 1;
-- Players 1-20 like strategy, 21-40 shooters; each owns four of the six
-- games of their cluster and the game everybody owns.  Player 41 owns nothing.
INSERT INTO steam_rec.users (steam_id, username)
SELECT n, 'player_' || n FROM generate_series(1, 41) AS n;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, CASE WHEN p <= 20 THEN 100 ELSE 200 END + g, 1 + (p * g) % 30
  FROM generate_series(1, 40) AS p, generate_series(1, 6) AS g
 WHERE (p + g) % 3 <> 0
UNION ALL SELECT p, 300, 2 FROM generate_series(1, 40) AS p;
SELECT steam_rec.refresh_engagement() >= 0 AS scored;

-- Before any training there is nothing to serve from.
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1)$$);

-- Training stores a model and activates it.
SELECT steam_rec.train() AS hybrid_model \gset
SELECT algorithm, players, games, interactions, active, seconds > 0 AS timed,
       params ->> 'base' AS base, params ? 'content_weight' AS has_blend
  FROM steam_rec.models;
SELECT count(*) AS games, count(*) FILTER (WHERE cardinality(neighbors) > 0) AS with_neighbours,
       count(*) FILTER (WHERE cardinality(tags) > 0) AS with_tags
  FROM steam_rec.model_games WHERE model_id = :hybrid_model;

-- 1. A strategy fan gets the strategy games they miss, a shooter fan the shooters.
SELECT rank, appid, name, because_appids <@ ARRAY(SELECT appid FROM steam_rec.user_games WHERE user_steam_id = 1)
       AS because_owned, reason LIKE 'Because you played %' AS explained
  FROM steam_rec.recommend(1, k => 3);
SELECT bool_and(appid BETWEEN 201 AND 206) AS all_shooters, count(*) FROM steam_rec.recommend(22, k => 2);
-- The reason names an owned game by its name.
SELECT reason FROM steam_rec.recommend(1, k => 1);
-- A game whose catalog name is empty is named as one the catalog lacks
-- ("Because you played  and ..." before).
BEGIN;
UPDATE steam_rec.catalog_cache SET name = ''
 WHERE appid IN (SELECT unnest(because_appids) FROM steam_rec.recommend(1, k => 1));
SELECT reason FROM steam_rec.recommend(1, k => 1);
ROLLBACK;

-- 2. Never a game the player owns; unless asked.
SELECT count(*) AS owned_recommended FROM steam_rec.recommend(1, k => 50) AS r
  JOIN steam_rec.user_games AS ug ON ug.appid = r.appid AND ug.user_steam_id = 1;
SELECT count(*) AS with_owned FROM steam_rec.recommend(1, k => 50, exclude_owned => false);

-- 3. Filters apply inside the top k: k rows whenever k eligible games exist.
SELECT count(*) AS rows, bool_and(appid BETWEEN 201 AND 206) AS all_fps
  FROM steam_rec.recommend(1, k => 4, include_tags => '{FPS}');
SELECT array_agg(appid ORDER BY appid) AS without_strategy_or_casual
  FROM steam_rec.recommend(1, k => 20, exclude_tags => '{Strategy,Casual}', exclude_appids => '{201,202}');
SELECT count(*) AS nothing_has_this_tag FROM steam_rec.recommend(1, include_tags => '{"No Such Tag"}');

-- 4. The player's games added since training count at once.
SELECT appid AS first_pick FROM steam_rec.recommend(1, k => 1) \gset
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1, :first_pick, 5);
SELECT bool_and(appid <> :first_pick) AS new_game_excluded FROM steam_rec.recommend(1, k => 5);
DELETE FROM steam_rec.user_games WHERE user_steam_id = 1 AND appid = :first_pick;

-- 5. Cold players get popular games; cold games are reached through tags.
SELECT rank, appid, because_appids, reason FROM steam_rec.recommend(41, k => 2);
SELECT rank, appid, reason FROM steam_rec.recommend(41, k => 2, include_tags => '{FPS}');
SELECT appid, name FROM steam_rec.recommend_for_games('{101,102,103,104,105,106}', k => 3) WHERE appid = 107;

-- 6. Diversity re-ranks: the best game stays first; the second is no longer
-- another strategy game just like it but one from the other cluster.
SELECT rank, appid FROM steam_rec.recommend(1, k => 2);
SELECT rank, appid FROM steam_rec.recommend(1, k => 2, diversity => 0.9);

-- 7. Visitors and similar games.
SELECT rank, appid, because_appids, reason FROM steam_rec.recommend_for_games('{201,202}', k => 2);
SELECT count(*) AS rows, bool_and(appid NOT BETWEEN 201 AND 206) AS no_shooter FROM steam_rec.similar_games(101, k => 3);
SELECT count(*) AS empty_list_is_cold FROM steam_rec.recommend_for_games('{}', k => 3);

-- 8. Every algorithm trains and keeps the clusters apart.
SELECT a AS algorithm,
       (SELECT bool_and(appid BETWEEN 101 AND 107) FROM steam_rec.recommend(1, k => 2)) AS strategy_for_strategy_fan,
       (SELECT bool_and(appid BETWEEN 201 AND 206) FROM steam_rec.recommend(22, k => 2)) AS shooters_for_shooter_fan
  FROM (SELECT name FROM steam_rec.algorithms() WHERE name <> 'popularity') AS r(a)
 CROSS JOIN LATERAL (SELECT steam_rec.train(a)) AS t;
SELECT steam_rec.train('popularity') AS popularity_model \gset
SELECT rank, appid, reason FROM steam_rec.recommend(1, k => 1);
SELECT steam_rec.train('itemknn', '{"neighbors": 3, "shrinkage": 0, "weighting": "bm25"}') AS knn_model \gset
SELECT max(cardinality(neighbors)) AS at_most_3 FROM steam_rec.model_games WHERE model_id = :knn_model;
SELECT params FROM steam_rec.models WHERE id = :knn_model;

-- 9. Activation and rollback: the older model serves again, at once.
SELECT steam_rec.activate_model(:popularity_model);
SELECT id = :popularity_model AS popularity_active FROM steam_rec.models WHERE active;
SELECT reason FROM steam_rec.recommend(1, k => 1);
SELECT steam_rec.activate_model(:hybrid_model);
SELECT count(*) AS active_models FROM steam_rec.models WHERE active;
SELECT reason LIKE 'Because you played %' AS hybrid_again FROM steam_rec.recommend(1, k => 1);
-- Deleting a model deletes its rows.
DELETE FROM steam_rec.models WHERE id = :knn_model;
SELECT (SELECT count(*) FROM steam_rec.model_games WHERE model_id = :knn_model) AS games_left,
       (SELECT count(*) FROM steam_rec.model_tags WHERE model_id = :knn_model) AS tags_left;

-- 10. refresh_recommendations writes what recommend() returns, per player or for all.
SELECT steam_rec.refresh_recommendations(k => 3) AS written_for_all;
SELECT count(DISTINCT user_steam_id) AS players, count(*) AS rows, min(algorithm) AS algorithm
  FROM steam_rec.recommendations;
(SELECT appid, rank FROM steam_rec.recommend(22, k => 3)
 EXCEPT SELECT appid, rank FROM steam_rec.recommendations WHERE user_steam_id = 22)
UNION ALL
(SELECT appid, rank FROM steam_rec.recommendations WHERE user_steam_id = 22
 EXCEPT SELECT appid, rank FROM steam_rec.recommend(22, k => 3));
SELECT steam_rec.refresh_recommendations(22, k => 5) AS written_for_one;
SELECT user_steam_id, count(*) FROM steam_rec.recommendations WHERE user_steam_id IN (21, 22)
 GROUP BY 1 ORDER BY 1;

-- 11. Bad input: clear errors, nothing changed.
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.recommend(999)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.recommend(NULL)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1, k => 0)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1, k => 1001)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1, diversity => 'NaN')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1, diversity => 1.5)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.similar_games(999)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.recommend_for_games(NULL)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.refresh_recommendations(999)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.refresh_recommendations(k => 0)$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('svd')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train(NULL)$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('ease', '{"lamda": 10}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('ease', '{"lambda": -1}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('ials', '{"factors": 2.5}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('ials', '{"factors": "many"}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('ials', '{"factors": [1]}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('ease', '[1, 2]')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('ease', '{"lambda": 1e400}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.activate_model(12345)$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.activate_model(NULL)$$);
-- A training that would not fit is refused before it reads anything.
BEGIN;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT 41, appid, 1 FROM generate_series(1000, 3999) AS appid;
SET LOCAL steam_rec.training_memory_limit = '64MB';
SELECT * FROM regress.refusal($$SELECT steam_rec.train('ease')$$);
SELECT steam_rec.train('itemknn') > 0 AS itemknn_fits;
ROLLBACK;
SELECT count(*) AS models, count(*) FILTER (WHERE active) AS active FROM steam_rec.models;

-- 12. Writing and training are not for PUBLIC; reading is.
CREATE ROLE regress_nobody NOLOGIN;
SELECT p AS function, has_function_privilege('regress_nobody', p, 'EXECUTE') AS public_can_execute
  FROM (VALUES ('steam_rec.train(text,jsonb)'), ('steam_rec.activate_model(bigint)'),
               ('steam_rec.refresh_recommendations(bigint,integer)'),
               ('steam_rec.recommend(bigint,integer,boolean,text[],text[],integer[],real)'),
               ('steam_rec.recommend_for_games(integer[],integer,boolean,text[],text[],integer[],real)'),
               ('steam_rec.similar_games(integer,integer)')) AS f(p);
DROP ROLE regress_nobody;

DROP EXTENSION steam_rec;
