-- EASE takes the catalog's facts into its Gram (catalog_name_weight,
-- catalog_studio_weight, catalog_series_weight): two owned games of one
-- series are treated as more often owned together.
CREATE EXTENSION steam_rec;

-- Six strategy games; "Star Saga" (101) and "Star Saga 2" (102) are one
-- series by one studio, the others each their own.
INSERT INTO steam_rec.catalog_cache (appid, name, developer, publisher)
SELECT appid, 'Strategy ' || appid, 'Studio ' || appid, 'Publisher ' || appid FROM generate_series(103, 106) AS appid
UNION ALL VALUES (101, 'Star Saga', 'Saga Works', 'Big Publisher'),
                 (102, 'Star Saga 2', 'Saga Works', 'Big Publisher');
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT appid, 'Strategy', 1 FROM generate_series(101, 106) AS appid;
INSERT INTO steam_rec.users (steam_id, username)
SELECT n, 'player_' || n FROM generate_series(1, 30) AS n;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, 100 + g, 1 + (p * g) % 30
  FROM generate_series(1, 30) AS p, generate_series(1, 6) AS g
 WHERE (p + g) % 3 <> 0 AND (p * g) % 5 <> 1;
SELECT steam_rec.refresh_engagement() >= 0 AS scored;

-- EASE's weight from Star Saga to its sequel, per model.
CREATE FUNCTION pg_temp.saga_weight(model bigint) RETURNS real LANGUAGE sql AS $$
  SELECT weights[array_position(neighbors, 102)] FROM steam_rec.model_games WHERE model_id = model AND appid = 101
$$;

-- The defaults: 2 for the names' words, 1 per developer or publisher key,
-- 2 for the series.
SELECT steam_rec.train('ease') AS with_facts \gset
SELECT params -> 'catalog_name_weight' AS name, params -> 'catalog_studio_weight' AS studio,
       params -> 'catalog_series_weight' AS series
  FROM steam_rec.models WHERE id = :with_facts;
SELECT steam_rec.train('ease', '{"catalog_name_weight": 0, "catalog_studio_weight": 0, "catalog_series_weight": 0}')
    AS without_facts \gset
SELECT pg_temp.saga_weight(:with_facts) > pg_temp.saga_weight(:without_facts) AS sequel_weighs_more;
-- A hybrid over EASE takes them through its base.
SELECT steam_rec.train('hybrid', '{"catalog_series_weight": 5}') > 0 AS trained;
SELECT params -> 'catalog_series_weight' AS series FROM steam_rec.models WHERE active;

-- Weights are numbers from 0 to 1000, and only EASE (or a hybrid over it)
-- takes them.
SELECT steam_rec.train('ease', '{"catalog_name_weight": -1}');
SELECT steam_rec.train('ease', '{"catalog_series_weight": 1001}');
SELECT steam_rec.train('itemknn', '{"catalog_studio_weight": 1}');

-- A role that may not read the catalog trains and evaluates EASE without it
-- when it did not ask for it, and the stored parameters say so; asked for,
-- it is refused.
CREATE ROLE regress_gram_blind NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec TO regress_gram_blind;
GRANT EXECUTE ON FUNCTION steam_rec.train(text, jsonb) TO regress_gram_blind;
GRANT EXECUTE ON FUNCTION steam_rec.evaluate(text[], integer, real, integer, integer, text, jsonb, boolean)
  TO regress_gram_blind;
GRANT SELECT ON steam_rec.users, steam_rec.game_tags, steam_rec.user_games TO regress_gram_blind;
GRANT SELECT, INSERT, UPDATE ON steam_rec.models TO regress_gram_blind;
GRANT SELECT, INSERT ON steam_rec.model_games, steam_rec.model_tags, steam_rec.model_governance TO regress_gram_blind;
SET ROLE regress_gram_blind;
SELECT steam_rec.train('ease') > 0 AS trained;
SELECT params -> 'catalog_name_weight' AS name, params -> 'catalog_studio_weight' AS studio,
       params -> 'catalog_series_weight' AS series
  FROM steam_rec.models WHERE active;
SELECT steam_rec.train('ease', '{"catalog_series_weight": 2}');
SELECT count(*) AS rows FROM steam_rec.evaluate('{ease}', k => 5, min_games => 3);
SELECT count(*) AS rows FROM steam_rec.evaluate('{ease}', k => 5, min_games => 3,
                                                params => '{"ease": {"catalog_name_weight": 2}}');
-- A weight given 0 asks for less of the catalog, never for it: the role
-- trains and evaluates without it, and the hint names the weights left to
-- pass 0; passed, nothing is read and nothing said.
SELECT steam_rec.train('ease', '{"catalog_name_weight": 0}') > 0 AS trained;
SELECT params -> 'catalog_name_weight' AS name, params -> 'catalog_studio_weight' AS studio,
       params -> 'catalog_series_weight' AS series
  FROM steam_rec.models WHERE active;
SELECT steam_rec.train('ease', '{"catalog_name_weight": 0, "catalog_studio_weight": 0, "catalog_series_weight": 0}')
       > 0 AS trained;
SELECT count(*) AS rows FROM steam_rec.evaluate('{ease}', k => 5, min_games => 3,
                                                params => '{"ease": {"catalog_series_weight": 0}}');
SELECT steam_rec.train('hybrid', '{"studio_weight": 0, "series_weight": 0, "name_word_weight": 0,
                                   "catalog_name_weight": 0, "catalog_studio_weight": 0,
                                   "catalog_series_weight": 0}') > 0 AS trained;
SELECT steam_rec.train('hybrid', '{"studio_weight": 0, "series_weight": 0, "name_word_weight": 0,
                                   "release_years_scale": 0, "catalog_name_weight": 0,
                                   "catalog_studio_weight": 0, "catalog_series_weight": 0}') > 0 AS trained;
-- Weights 0 read nothing, so nothing is missed.
SELECT steam_rec.train('hybrid', '{"catalog_name_weight": 0, "catalog_studio_weight": 0, "catalog_series_weight": 0,
                                   "new_game_weight": 0}') > 0 AS trained;
RESET ROLE;
-- The four columns are enough.
GRANT SELECT (appid, developer, publisher, name) ON steam_rec.catalog_cache TO regress_gram_blind;
SET ROLE regress_gram_blind;
SELECT steam_rec.train('ease') > 0 AS trained;
SELECT params -> 'catalog_name_weight' AS name, params -> 'catalog_studio_weight' AS studio,
       params -> 'catalog_series_weight' AS series
  FROM steam_rec.models WHERE active;
RESET ROLE;
DROP OWNED BY regress_gram_blind;
DROP ROLE regress_gram_blind;

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
