-- Defect 11: train('hybrid', '{"base": "itemknn", "lambda": 100, "factors": 8}')
-- and train('hybrid', '{"factors": 8}') succeeded and stored neither
-- parameter.  A hybrid takes its content part's parameters and those of its
-- one base; any other is refused (22023) naming the base it belongs to, and
-- nothing is trained.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 6) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, p + g FROM generate_series(1, 6) AS p, generate_series(1, 5) AS g WHERE (p + g) % 2 = 0;

SELECT * FROM regress.refusal($$SELECT steam_rec.train('hybrid', '{"base": "itemknn", "lambda": 100, "factors": 8}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('hybrid', '{"factors": 8}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('hybrid', '{"base": "ials", "weighting": "none"}')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('ease', '{"factors": 8}')$$);
SELECT count(*) AS models FROM steam_rec.models;

-- With the right base, the same parameters are taken and stored, in any key order.
SELECT steam_rec.train('hybrid', '{"factors": 8, "iterations": 2, "base": "ials"}') AS model \gset
SELECT params->>'base' AS base, params->'factors' AS factors, params->'iterations' AS iterations,
       params ? 'lambda' AS has_lambda
  FROM steam_rec.models WHERE id = :model;

DROP EXTENSION steam_rec;
