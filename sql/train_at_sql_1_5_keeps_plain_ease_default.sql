-- A database at SQL 1.5 is served by the 1.6 library as 1.5 served it:
-- ease and hybrid over ease, their RDLAE keys left out, train plain EASE
-- there (1.5's defaults, dropout and diagonal_relaxation 0), not RDLAE, the
-- default from 1.6 on.  So maintain() retraining, at 1.5, a model whose zeros
-- the down script removed trains it as it was.  Values given are kept; keys
-- at 1.5's values are left out of the stored parameters, as 1.5 stored them,
-- so the update writes them in and the downgrade takes them out again.
CREATE EXTENSION steam_rec VERSION '1.5';
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 8) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, p + g FROM generate_series(1, 8) AS p, generate_series(1, 6) AS g WHERE (p * g) % 3 <> 1;

SELECT steam_rec.train('ease', '{"lambda": 1}') AS left_out \gset
SELECT steam_rec.train('hybrid') AS hybrid \gset
SELECT steam_rec.train('ease', '{"lambda": 1, "dropout": 0.4}') AS one_given \gset
SELECT steam_rec.train('ease', '{"lambda": 1, "dropout": 0.4, "diagonal_relaxation": 0.35}') AS rdlae_at_1_5 \gset
SELECT id = :left_out AS left_out, id = :hybrid AS hybrid, algorithm, params->'dropout' AS dropout,
       params->'diagonal_relaxation' AS diagonal_relaxation
  FROM steam_rec.models ORDER BY id;
-- algorithms() shows the defaults train() uses at 1.5, with no "absent":
-- 1.5 had no such key.
SELECT name, parameters->'dropout' AS dropout, parameters->'diagonal_relaxation' AS diagonal_relaxation
  FROM steam_rec.algorithms() WHERE name IN ('ease', 'hybrid') ORDER BY name;

-- At 1.6 the same call trains RDLAE; the model trained at 1.5 with the keys
-- left out has the weights of plain EASE, the one given RDLAE's values RDLAE's.
ALTER EXTENSION steam_rec UPDATE TO '1.6';
SELECT name, parameters->'dropout' AS dropout, parameters->'diagonal_relaxation' AS diagonal_relaxation
  FROM steam_rec.algorithms() WHERE name IN ('ease', 'hybrid') ORDER BY name;
SELECT steam_rec.train('ease', '{"lambda": 1}') AS left_out_at_1_6 \gset
SELECT steam_rec.train('ease', '{"lambda": 1, "dropout": 0, "diagonal_relaxation": 0}') AS zeros_at_1_6 \gset
SELECT params->'dropout' AS dropout, params->'diagonal_relaxation' AS diagonal_relaxation
  FROM steam_rec.models WHERE id = :left_out_at_1_6;
SELECT bool_and(a.neighbors = z.neighbors AND a.weights = z.weights) AS left_out_at_1_5_is_plain_ease,
       bool_and(r.neighbors = d.neighbors AND r.weights = d.weights) AS given_at_1_5_is_rdlae
  FROM steam_rec.model_games a
  JOIN steam_rec.model_games z ON z.model_id = :zeros_at_1_6 AND z.appid = a.appid
  JOIN steam_rec.model_games r ON r.model_id = :rdlae_at_1_5 AND r.appid = a.appid
  JOIN steam_rec.model_games d ON d.model_id = :left_out_at_1_6 AND d.appid = a.appid
 WHERE a.model_id = :left_out;

-- Down to 1.5 again: retraining the stored configuration of the plain model
-- (its zeros removed by the down script) trains plain EASE.
ALTER EXTENSION steam_rec UPDATE TO '1.5';
SELECT params ? 'dropout' AS has_dropout, params ? 'diagonal_relaxation' AS has_diagonal_relaxation
  FROM steam_rec.models WHERE id = :left_out;
SELECT steam_rec.train(algorithm, params) AS retrained FROM steam_rec.models WHERE id = :left_out \gset
SELECT bool_and(a.neighbors = b.neighbors AND a.weights = b.weights) AS retrained_same
  FROM steam_rec.model_games a
  JOIN steam_rec.model_games b ON b.model_id = :retrained AND b.appid = a.appid
 WHERE a.model_id = :left_out;

-- iALS's regularization and exponent, 5 and 0.25 from 1.6, train with 1.5's
-- 0.02 and 1 there; both keys are stored at either version, as 1.5 stored them.
SELECT steam_rec.train('ials', '{"factors": 4, "iterations": 2}') AS ials_at_1_5 \gset
SELECT parameters->'regularization'->'default' AS regularization, parameters->'exponent'->'default' AS exponent
  FROM steam_rec.algorithms() WHERE name = 'ials';
ALTER EXTENSION steam_rec UPDATE TO '1.6';
SELECT steam_rec.train('ials', '{"factors": 4, "iterations": 2}') AS ials_at_1_6 \gset
SELECT id = :ials_at_1_5 AS at_1_5, params->'regularization' AS regularization, params->'exponent' AS exponent
  FROM steam_rec.models WHERE id IN (:ials_at_1_5, :ials_at_1_6) ORDER BY id;

DROP EXTENSION steam_rec;
