-- RDLAE (dropout 0.4, diagonal_relaxation 0.35) is the default of ease and of
-- hybrid over ease since 1.6.  A model stored at 1.5 has neither key in its
-- parameters and was plain EASE: after the update its parameters say 0, and
-- retraining its configuration (what maintain() does with the algorithm
-- setting 'active') trains plain EASE again, not the new default.  Down to
-- 1.5 and back, every model's parameters come back as they were.
CREATE EXTENSION steam_rec VERSION '1.5';
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 8) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, p + g FROM generate_series(1, 8) AS p, generate_series(1, 6) AS g WHERE (p * g) % 3 <> 1;

-- Models as 1.5 stored them: plain EASE, and no RDLAE keys.
SELECT steam_rec.train('ease', '{"lambda": 1, "dropout": 0, "diagonal_relaxation": 0}') AS old_ease \gset
SELECT steam_rec.train('hybrid', '{"dropout": 0, "diagonal_relaxation": 0}') AS old_hybrid \gset
SELECT steam_rec.train('hybrid', '{"base": "itemknn"}') AS old_itemknn \gset
UPDATE steam_rec.models SET params = params - 'dropout' - 'diagonal_relaxation';
CREATE TEMP TABLE stored_at_1_5 AS SELECT id, params FROM steam_rec.models;

ALTER EXTENSION steam_rec UPDATE TO '1.6';
SELECT id = :old_ease AS ease, id = :old_hybrid AS hybrid, params->'dropout' AS dropout,
       params->'diagonal_relaxation' AS diagonal_relaxation
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

-- Down to 1.5: the models stored there lack the keys again; the ones
-- trained at 1.6 keep theirs.  Up again: as after the first update.
CREATE TEMP TABLE stored_at_1_6 AS SELECT id, params FROM steam_rec.models;
ALTER EXTENSION steam_rec UPDATE TO '1.5';
SELECT m.id IN (:old_ease, :old_hybrid, :old_itemknn) AS stored_at_1_5, m.params = o.params AS as_at_1_5,
       m.params->'dropout' AS dropout
  FROM steam_rec.models AS m LEFT JOIN stored_at_1_5 AS o ON o.id = m.id ORDER BY m.id;
ALTER EXTENSION steam_rec UPDATE TO '1.6';
SELECT count(*) AS models, count(*) FILTER (WHERE m.params = s.params) AS as_at_1_6
  FROM steam_rec.models AS m JOIN stored_at_1_6 AS s ON s.id = m.id;

DROP EXTENSION steam_rec;
