-- RDLAE (dropout 0.4, diagonal_relaxation 0.35) is the default of ease and of
-- hybrid over ease since 1.6.  A model stored at 1.5 has neither key in its
-- parameters and was plain EASE: after the update its parameters say 0, and
-- retraining its configuration (what maintain() does with the algorithm
-- setting 'active') trains plain EASE again, not the new default.  Down to
-- 1.5 and back, every model's parameters come back as they were.
-- Likewise new_game_weight (hybrid) and tag_popularity_exponent (content and
-- hybrid), 1 since 1.6: a model stored before had neither key and trained as
-- 0, which its parameters say after the update.
CREATE EXTENSION steam_rec VERSION '1.5';
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 8) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, p + g FROM generate_series(1, 8) AS p, generate_series(1, 6) AS g WHERE (p * g) % 3 <> 1;
-- Games 7 and 8 nobody owns; 8's tags are the more popular.
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 8) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name)
VALUES (1, 'Strategy'), (1, 'Rare'), (2, 'Strategy'), (3, 'Strategy'), (4, 'FPS'), (5, 'FPS'), (6, 'FPS'),
       (7, 'Strategy'), (8, 'Strategy'), (8, 'Rare');

-- Models as 1.5 stored them: plain EASE, no new-game scoring, and none of
-- the keys.
SELECT steam_rec.train('ease', '{"lambda": 1, "dropout": 0, "diagonal_relaxation": 0}') AS old_ease \gset
SELECT steam_rec.train('hybrid', '{"dropout": 0, "diagonal_relaxation": 0, "new_game_weight": 0,
                                   "tag_popularity_exponent": 0}') AS old_hybrid \gset
SELECT steam_rec.train('hybrid', '{"base": "itemknn", "new_game_weight": 0, "tag_popularity_exponent": 0}')
    AS old_itemknn \gset
SELECT steam_rec.train('content', '{"tag_popularity_exponent": 0}') AS old_content \gset
UPDATE steam_rec.models
   SET params = params - 'dropout' - 'diagonal_relaxation' - 'new_game_weight' - 'tag_popularity_exponent';
CREATE TEMP TABLE stored_at_1_5 AS SELECT id, params FROM steam_rec.models;

ALTER EXTENSION steam_rec UPDATE TO '1.6';
SELECT algorithm, params->>'base' AS base, params->'dropout' AS dropout,
       params->'diagonal_relaxation' AS diagonal_relaxation, params->'new_game_weight' AS new_game_weight,
       params->'tag_popularity_exponent' AS tag_popularity_exponent
  FROM steam_rec.models ORDER BY id;

-- Retrained with its stored configuration: plain EASE, the same weights.
SELECT steam_rec.train(algorithm, params) AS again FROM steam_rec.models WHERE id = :old_ease \gset
SELECT steam_rec.train('ease', '{"lambda": 1}') AS new_default \gset
SELECT id = :again AS again, params->'dropout' AS dropout, params->'diagonal_relaxation' AS diagonal_relaxation
  FROM steam_rec.models WHERE id IN (:again, :new_default) ORDER BY id;
SELECT bool_and(a.neighbors = b.neighbors AND a.weights = b.weights) AS retrained_same,
       bool_and(a.neighbors = c.neighbors AND a.weights = c.weights) AS new_default_same
  FROM steam_rec.model_games a
  JOIN steam_rec.model_games b ON b.model_id = :again AND b.appid = a.appid
  JOIN steam_rec.model_games c ON c.model_id = :new_default AND c.appid = a.appid
 WHERE a.model_id = :old_ease;
-- The same for the hybrid over itemknn and for content: no weights lent to
-- the new games, none scaled by tag popularity, unlike the new defaults.
SELECT steam_rec.train(algorithm, params) AS itemknn_again FROM steam_rec.models WHERE id = :old_itemknn \gset
SELECT steam_rec.train('hybrid', '{"base": "itemknn"}') AS itemknn_default \gset
SELECT steam_rec.train(algorithm, params) AS content_again FROM steam_rec.models WHERE id = :old_content \gset
SELECT steam_rec.train('content') AS content_default \gset
SELECT o.algorithm, r.params->'new_game_weight' AS new_game_weight,
       r.params->'tag_popularity_exponent' AS tag_popularity_exponent,
       bool_and(row(a.neighbors, a.weights, a.content_neighbors, a.content_weights)
                = row(b.neighbors, b.weights, b.content_neighbors, b.content_weights)) AS retrained_same,
       bool_and(row(a.neighbors, a.weights, a.content_neighbors, a.content_weights)
                = row(c.neighbors, c.weights, c.content_neighbors, c.content_weights)) AS new_default_same
  FROM (VALUES (:old_itemknn, :itemknn_again, :itemknn_default), (:old_content, :content_again, :content_default))
       AS t (old, again, by_default)
  JOIN steam_rec.models o ON o.id = t.old
  JOIN steam_rec.models r ON r.id = t.again
  JOIN steam_rec.model_games a ON a.model_id = t.old
  JOIN steam_rec.model_games b ON b.model_id = t.again AND b.appid = a.appid
  JOIN steam_rec.model_games c ON c.model_id = t.by_default AND c.appid = a.appid
 GROUP BY o.id, o.algorithm, r.params ORDER BY o.id;

-- Down to 1.5: the models stored there lack the keys again; the ones
-- trained at 1.6 keep theirs.  Up again: as after the first update.
CREATE TEMP TABLE stored_at_1_6 AS SELECT id, params FROM steam_rec.models;
ALTER EXTENSION steam_rec UPDATE TO '1.5';
SELECT m.id IN (:old_ease, :old_hybrid, :old_itemknn, :old_content) AS stored_at_1_5,
       m.params = o.params AS as_at_1_5, m.params->'dropout' AS dropout,
       m.params->'new_game_weight' AS new_game_weight
  FROM steam_rec.models AS m LEFT JOIN stored_at_1_5 AS o ON o.id = m.id ORDER BY m.id;
ALTER EXTENSION steam_rec UPDATE TO '1.6';
SELECT count(*) AS models, count(*) FILTER (WHERE m.params = s.params) AS as_at_1_6
  FROM steam_rec.models AS m JOIN stored_at_1_6 AS s ON s.id = m.id;

DROP EXTENSION steam_rec;
