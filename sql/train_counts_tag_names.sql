-- Distinct tag names count in the training memory estimate.  tag_name is
-- varchar(100): a game_tags of a distinct name per row holds each name in
-- the training set and again in the model, several times the 40 bytes a
-- row counts (100-character names: about 280 bytes more per name, measured).
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 40) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p + g) % 9 FROM generate_series(1, 40) AS p, generate_series(1, 60) AS g
 WHERE (p * 31 + g * 17) % 5 = 0;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 60) AS g;
-- 100,000 rows over the 60 games, each a name of 100 characters of its own.
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT 1 + t % 60, rpad('tag ' || t, 100, '.'), 1 + t / 60 FROM generate_series(0, 99999) AS t;
SELECT steam_rec.refresh_engagement() >= 0 AS scored;

-- 1. Over the limit with the names: refused, the detail naming their share;
-- nothing stored.
SET steam_rec.training_memory_limit = '24MB';
CREATE TEMP TABLE refused AS SELECT * FROM regress.refusal($$SELECT steam_rec.train('itemknn')$$);
SELECT code, message ~ '^training itemknn on 60 games and 40 players needs about \d+ MB, more than '
                       'steam_rec.training_memory_limit \(24 MB\)$' AS message_as_expected,
       (regexp_match(message, 'needs about (\d+) MB'))[1]::int > 24 AS over_limit,
       detail ~ '^The distinct tag names of steam_rec.game_tags take about \d+ MB of it\.$' AS detail_as_expected
  FROM refused;
SELECT count(*) AS models FROM steam_rec.models;
-- Past the limit the rows are only counted, not held: the refusal names the
-- need of the whole table, the same at a limit twice as high.
SET steam_rec.training_memory_limit = '48MB';
SELECT (regexp_match(r.message, 'needs about (\d+) MB'))[1] = (regexp_match(f.message, 'needs about (\d+) MB'))[1]
       AS same_need
  FROM regress.refusal($$SELECT steam_rec.train('itemknn')$$) AS r, refused AS f;
SET steam_rec.training_memory_limit = '24MB';

-- 2. evaluate() counts them too: its own copy of the names, and each
-- training's (popularity, its baseline, is checked first).
SELECT code, message ~ '^evaluating popularity on 60 games and 40 players needs about \d+ MB' AS message_as_expected
  FROM regress.refusal($$SELECT * FROM steam_rec.evaluate(algorithms => ARRAY['itemknn'], seed => 1)$$);

-- 3. The same rows with 1,667 names between them (each game has each once)
-- fit: the names, not the rows, were over.
UPDATE steam_rec.game_tags SET tag_name = rpad('tag ' || (position - 1), 100, '.');
SELECT steam_rec.train('itemknn') > 0 AS trained_with_few_names;
SELECT algorithm, players > 0 AS evaluated FROM steam_rec.evaluate(algorithms => ARRAY['itemknn'], seed => 1);

-- 4. Under the default limit the distinct names train.
UPDATE steam_rec.game_tags SET tag_name = rpad('name ' || ((appid - 1) + 60 * (position - 1)), 100, '.');
RESET steam_rec.training_memory_limit;
SELECT steam_rec.train('itemknn') > 0 AS trained_with_distinct_names;
SELECT count(*) AS model_tags FROM steam_rec.model_tags
  WHERE model_id = (SELECT max(id) FROM steam_rec.models);

-- 5. Names repeated across rows: past the limit each is counted once, not
-- at each of its rows, so the need is the same wherever the limit cut the
-- read (before, a name met again past it counted again: one name on
-- 1,000,000 rows was reported as 434 MB at one limit and 149 MB at another).
TRUNCATE steam_rec.game_tags;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT 1 + t % 60, rpad('tag ' || (t / 60), 100, '.'), 1 FROM generate_series(0, 399999) AS t;
SET steam_rec.training_memory_limit = '16MB';
CREATE TEMP TABLE refused_repeated AS SELECT * FROM regress.refusal($$SELECT steam_rec.train('itemknn')$$);
SET steam_rec.training_memory_limit = '18MB';
SELECT r.code, (regexp_match(r.message, 'needs about (\d+) MB'))[1] = (regexp_match(f.message, 'needs about (\d+) MB'))[1]
       AS same_need
  FROM regress.refusal($$SELECT steam_rec.train('itemknn')$$) AS r, refused_repeated AS f;
RESET steam_rec.training_memory_limit;

DROP EXTENSION steam_rec;
