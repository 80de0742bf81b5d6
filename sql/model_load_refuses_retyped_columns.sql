-- A model_games column whose type a table owner changed is refused when the
-- model is loaded, with the column named: its values were read as the
-- original type (an int4 read as an array pointer crashed the backend, a
-- double precision popularity was read as garbage).  A domain over the
-- original type is that type.
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();
SELECT steam_rec.train('itemknn') > 0 AS trained;

-- neighbors as one integer: refused by the first call, which loads the
-- model from its rows (no image of it exists yet).
ALTER TABLE steam_rec.model_games DROP CONSTRAINT model_games_neighbors_match_weights,
    ALTER COLUMN neighbors DROP DEFAULT,
    ALTER COLUMN neighbors TYPE integer USING neighbors[1];
SELECT code, message, hint FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1)$$);

-- factors as double precision[]: refused the same way.
ALTER TABLE steam_rec.model_games ALTER COLUMN neighbors TYPE integer[] USING ARRAY[neighbors],
    ALTER COLUMN factors TYPE double precision[];
SELECT code, message, hint FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1)$$);

-- The types restored (the neighbours emptied with their weights): served.
ALTER TABLE steam_rec.model_games ALTER COLUMN factors TYPE real[];
UPDATE steam_rec.model_games SET neighbors = '{}', weights = '{}';
SELECT count(*) AS recommended FROM steam_rec.recommend(1);

-- neighbors as a domain over integer[]: a new model is stored and served.
CREATE DOMAIN regress.game_ids AS integer[] CHECK (cardinality(VALUE) < 1000);
ALTER TABLE steam_rec.model_games ALTER COLUMN neighbors TYPE regress.game_ids;
SELECT steam_rec.train('itemknn') > 0 AS trained;
SELECT count(*) AS recommended FROM steam_rec.recommend(1);
ALTER TABLE steam_rec.model_games ALTER COLUMN neighbors TYPE integer[];

-- popularity as double precision: stored by train(), refused when loaded.
ALTER TABLE steam_rec.model_games ALTER COLUMN popularity TYPE double precision;
SELECT steam_rec.train('popularity') > 0 AS trained;
SELECT code, message, hint FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1)$$);
ALTER TABLE steam_rec.model_games ALTER COLUMN popularity TYPE real;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
DROP DOMAIN regress.game_ids;
