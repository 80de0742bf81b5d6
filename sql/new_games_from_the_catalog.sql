-- A new game (tags, no owners) is led to by the player's games of the same
-- series (series_weight), of the same developer or publisher (studio_weight)
-- and whose names share rare words (name_word_weight), not only by its tags:
-- two new games tagged alike are told apart by the catalog; every weight lent
-- shrinks with the years between the release dates (release_years_scale).
CREATE EXTENSION steam_rec;

-- Two taste clusters of six games each; "Strategy Saga" (101) is one of the
-- strategy games.  Two new strategy games with the same tags: "Strategy
-- Saga II" (199, of 101's series, by its developer) and "Other Strategy"
-- (198, another studio's).
INSERT INTO steam_rec.catalog_cache (appid, name, developer, publisher)
SELECT appid, 'Strategy ' || appid, 'Studio ' || appid, 'Publisher ' || appid FROM generate_series(102, 106) AS appid
UNION ALL SELECT appid, 'Shooter ' || appid, 'Studio ' || appid, 'Publisher ' || appid FROM generate_series(201, 206) AS appid
UNION ALL VALUES (101, 'Strategy Saga', 'Saga Works', 'Big Publisher'),
                 (199, 'Strategy Saga II: The Return', 'Saga Works, Port House', 'Big Publisher'),
                 (198, 'Other Strategy', 'Another Studio', 'Another Publisher');
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT appid, 'Strategy', 1 FROM generate_series(101, 106) AS appid
UNION ALL SELECT appid, 'Turn-Based', 2 FROM generate_series(101, 106) AS appid
UNION ALL SELECT appid, 'FPS', 1 FROM generate_series(201, 206) AS appid
UNION ALL SELECT appid, 'Action', 2 FROM generate_series(201, 206) AS appid
UNION ALL VALUES (199, 'Strategy', 1), (199, 'Turn-Based', 2), (198, 'Strategy', 1), (198, 'Turn-Based', 2);
INSERT INTO steam_rec.users (steam_id, username)
SELECT n, 'player_' || n FROM generate_series(1, 40) AS n;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, CASE WHEN p <= 20 THEN 100 ELSE 200 END + g, 1 + (p * g) % 30
  FROM generate_series(1, 40) AS p, generate_series(1, 6) AS g
 WHERE (p + g) % 3 <> 0;
SELECT steam_rec.refresh_engagement() >= 0 AS scored;

-- The defaults: 3 per studio kind shared, 30 for the series, 15 times the
-- cosine of the names' words, dates 8 years apart weigh 1/e.
SELECT steam_rec.train() > 0 AS trained;
SELECT params -> 'studio_weight' AS studio_weight, params -> 'series_weight' AS series_weight,
       params -> 'name_word_weight' AS name_word_weight, params -> 'release_years_scale' AS release_years_scale
  FROM steam_rec.models WHERE active;

-- Player 1 owns Strategy Saga (101); player 2 does not.
SELECT user_steam_id, bool_or(appid = 101) AS owns_strategy_saga
  FROM steam_rec.user_games WHERE user_steam_id IN (1, 2) GROUP BY 1 ORDER BY 1;

-- One place kept for a new game (the ordinary places go to the strategy
-- games they do not own): the saga's next game for its owner; for the other
-- strategy fan, the two new games are alike and the lower appid comes first.
SET steam_rec.new_game_slots = 1;
SELECT appid, name, reason FROM steam_rec.recommend(1, k => 2) WHERE appid IN (198, 199);
SELECT appid, name FROM steam_rec.recommend(2, k => 2) WHERE appid IN (198, 199);
-- similar_games() ranks by every score: the saga's next game first.
SELECT appid FROM steam_rec.similar_games(101, k => 20) WHERE appid IN (198, 199) LIMIT 1;

-- Without the catalog the two are alike for player 1 too.
SELECT steam_rec.train('hybrid', '{"studio_weight": 0, "series_weight": 0, "name_word_weight": 0}') > 0 AS trained;
SELECT appid, name, reason FROM steam_rec.recommend(1, k => 2) WHERE appid IN (198, 199);
-- The words of the name alone lead there too: "saga" is in two names of 14.
SELECT steam_rec.train('hybrid', '{"studio_weight": 0, "series_weight": 0}') > 0 AS trained;
SELECT appid, name, reason FROM steam_rec.recommend(1, k => 2) WHERE appid IN (198, 199);
-- The developer alone (Saga Works) leads there too.
SELECT steam_rec.train('hybrid', '{"series_weight": 0, "name_word_weight": 0}') > 0 AS trained;
SELECT appid, name, reason FROM steam_rec.recommend(1, k => 2) WHERE appid IN (198, 199);
-- The release dates alone lead there too: the saga came out in 2010, its
-- next game a year later, the other strategy game in 2025.  For player 2,
-- whose games have no date, the two stay alike.
UPDATE steam_rec.catalog_cache
   SET release_date = CASE appid WHEN 101 THEN DATE '2010-03-01' WHEN 199 THEN DATE '2011-03-01'
                                 ELSE DATE '2025-03-01' END
 WHERE appid IN (101, 198, 199);
SELECT steam_rec.train('hybrid', '{"studio_weight": 0, "series_weight": 0, "name_word_weight": 0}') > 0 AS trained;
SELECT appid, name, reason FROM steam_rec.recommend(1, k => 2) WHERE appid IN (198, 199);
SELECT appid, name FROM steam_rec.recommend(2, k => 2) WHERE appid IN (198, 199);
-- Without them as well, the two are alike again.
SELECT steam_rec.train('hybrid', '{"studio_weight": 0, "series_weight": 0, "name_word_weight": 0,
                                   "release_years_scale": 0}') > 0 AS trained;
SELECT appid, name, reason FROM steam_rec.recommend(1, k => 2) WHERE appid IN (198, 199);
RESET steam_rec.new_game_slots;

-- Weights are numbers from 0 to 1000, and only a hybrid takes them.
SELECT steam_rec.train('hybrid', '{"series_weight": -1}');
SELECT steam_rec.train('hybrid', '{"studio_weight": 1001}');
SELECT steam_rec.train('hybrid', '{"name_word_weight": -1}');
SELECT steam_rec.train('hybrid', '{"release_years_scale": -1}');
SELECT steam_rec.train('ease', '{"series_weight": 30}');

-- A role that may not read the catalog trains without it when it did not ask
-- for it, and the stored parameters say so; asked for, it is refused.
CREATE ROLE regress_catalog_blind NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec TO regress_catalog_blind;
GRANT EXECUTE ON FUNCTION steam_rec.train(text, jsonb) TO regress_catalog_blind;
GRANT SELECT ON steam_rec.users, steam_rec.game_tags, steam_rec.user_games TO regress_catalog_blind;
GRANT SELECT, INSERT, UPDATE ON steam_rec.models TO regress_catalog_blind;
GRANT SELECT, INSERT ON steam_rec.model_games, steam_rec.model_tags, steam_rec.model_governance TO regress_catalog_blind;
SET ROLE regress_catalog_blind;
SELECT steam_rec.train() > 0 AS trained;
SELECT params -> 'studio_weight' AS studio_weight, params -> 'series_weight' AS series_weight,
       params -> 'name_word_weight' AS name_word_weight, params -> 'release_years_scale' AS release_years_scale
  FROM steam_rec.models WHERE active;
SELECT steam_rec.train('hybrid', '{"series_weight": 30}');
SELECT steam_rec.train('hybrid', '{"name_word_weight": 15}');
SELECT steam_rec.train('hybrid', '{"release_years_scale": 8}');
-- A hybrid over iALS has no neighbour rows to lend through: it does not read
-- the catalog, so nothing is missed.
SELECT steam_rec.train('hybrid', '{"base": "ials", "iterations": 1}') > 0 AS trained;
RESET ROLE;
-- The four columns are enough for all but the dates: without release_date
-- the default trains without them, with a notice; asked for, refused.
GRANT SELECT (appid, developer, publisher, name) ON steam_rec.catalog_cache TO regress_catalog_blind;
SET ROLE regress_catalog_blind;
SELECT steam_rec.train() > 0 AS trained;
SELECT params -> 'studio_weight' AS studio_weight, params -> 'series_weight' AS series_weight,
       params -> 'name_word_weight' AS name_word_weight, params -> 'release_years_scale' AS release_years_scale
  FROM steam_rec.models WHERE active;
SELECT steam_rec.train('hybrid', '{"release_years_scale": 8}');
RESET ROLE;
-- The fifth column is enough for them.
GRANT SELECT (release_date) ON steam_rec.catalog_cache TO regress_catalog_blind;
SET ROLE regress_catalog_blind;
SELECT steam_rec.train() > 0 AS trained;
SELECT params -> 'studio_weight' AS studio_weight, params -> 'series_weight' AS series_weight,
       params -> 'name_word_weight' AS name_word_weight, params -> 'release_years_scale' AS release_years_scale
  FROM steam_rec.models WHERE active;
RESET ROLE;
DROP OWNED BY regress_catalog_blind;
DROP ROLE regress_catalog_blind;

-- A catalog without release_date is like one whose dates the role may not
-- read: the default trains without them; asked for, SQL's error.
ALTER TABLE steam_rec.catalog_cache DROP COLUMN release_date;
SELECT steam_rec.train() > 0 AS trained;
SELECT params -> 'name_word_weight' AS name_word_weight, params -> 'release_years_scale' AS release_years_scale
  FROM steam_rec.models WHERE active;
SELECT steam_rec.train('hybrid', '{"release_years_scale": 8}');

-- A catalog without one of the four columns is like one the role may not
-- read: the default trains without it; asked for, SQL's error.
ALTER TABLE steam_rec.catalog_cache DROP COLUMN publisher;
SELECT steam_rec.train() > 0 AS trained;
SELECT params -> 'studio_weight' AS studio_weight, params -> 'series_weight' AS series_weight,
       params -> 'name_word_weight' AS name_word_weight, params -> 'release_years_scale' AS release_years_scale
  FROM steam_rec.models WHERE active;
SELECT steam_rec.train('hybrid', '{"studio_weight": 3}');

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
