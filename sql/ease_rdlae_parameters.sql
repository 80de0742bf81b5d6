-- EASE's RDLAE parameters (dropout, diagonal_relaxation): out-of-range or
-- mistyped values are refused (22023, naming the value and the range) and
-- nothing is trained; ease and hybrid over ease take them and store them;
-- other algorithms refuse them; left out, they are RDLAE's defaults 0.4 and
-- 0.35 (chosen on validation); both 0 is plain EASE.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 8) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, p + g FROM generate_series(1, 8) AS p, generate_series(1, 6) AS g WHERE (p * g) % 3 <> 1;

SELECT * FROM regress.refusal($$SELECT steam_rec.train('ease', '{"dropout": 1}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('ease', '{"dropout": -0.1}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('ease', '{"dropout": "high"}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('ease', '{"diagonal_relaxation": 1.5}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('hybrid', '{"diagonal_relaxation": -1}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('itemknn', '{"dropout": 0.4}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('hybrid', '{"base": "ials", "diagonal_relaxation": 0.35}')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.evaluate('{ease}', params => '{"ease": {"dropout": 2}}')$$);
SELECT count(*) AS models FROM steam_rec.models;

-- Taken and stored; left out, they are 0.4 and 0.35.
SELECT steam_rec.train('ease', '{"lambda": 1}') AS defaults \gset
SELECT steam_rec.train('ease', '{"lambda": 1, "dropout": 0, "diagonal_relaxation": 0}') AS zeros \gset
SELECT steam_rec.train('ease', '{"lambda": 1, "dropout": 0.4, "diagonal_relaxation": 0.35}') AS rdlae \gset
SELECT steam_rec.train('hybrid', '{"dropout": 0.4, "diagonal_relaxation": 0.35}') AS hybrid \gset
SELECT id = :defaults AS defaults, params->'dropout' AS dropout, params->'diagonal_relaxation' AS diagonal_relaxation
  FROM steam_rec.models WHERE id IN (:defaults, :rdlae, :hybrid) ORDER BY id;

-- The defaults are RDLAE p 0.4, xi 0.35 to the bit; both 0 (plain EASE) differs.
SELECT a.appid, a.neighbors = b.neighbors AND a.weights = b.weights AS zeros_same,
       a.neighbors = c.neighbors AND a.weights = c.weights AS rdlae_same
  FROM steam_rec.model_games a
  JOIN steam_rec.model_games b ON b.model_id = :zeros AND b.appid = a.appid
  JOIN steam_rec.model_games c ON c.model_id = :rdlae AND c.appid = a.appid
 WHERE a.model_id = :defaults ORDER BY a.appid;

DROP EXTENSION steam_rec;
