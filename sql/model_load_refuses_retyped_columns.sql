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

-- The active model's row: params as json was read as jsonb (a count of
-- keys from its text's bytes), trained_at as text as a timestamp (a
-- pointer, so another image key at every call).  Refused on the direct
-- read and through SQL (a caller under a row-level security policy).
SELECT count(*) AS recommended FROM steam_rec.recommend(1);
BEGIN;
ALTER TABLE steam_rec.models DROP CONSTRAINT models_params_must_be_an_object, ALTER COLUMN params TYPE json;
SELECT code, message, hint FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1)$$);
CREATE ROLE regress_models_reader NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec, regress TO regress_models_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA steam_rec TO regress_models_reader;
ALTER TABLE steam_rec.models ENABLE ROW LEVEL SECURITY;
CREATE POLICY every_row ON steam_rec.models TO regress_models_reader USING (true);
SET ROLE regress_models_reader;
SELECT code, message, hint FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1)$$);
RESET ROLE;
ROLLBACK;
BEGIN;
ALTER TABLE steam_rec.models ALTER COLUMN trained_at TYPE text;
SELECT code, message, hint FROM regress.refusal($$SELECT * FROM steam_rec.recommend(1)$$);
ROLLBACK;
-- A domain over the type is that type.
CREATE DOMAIN regress.model_time AS timestamptz;
ALTER TABLE steam_rec.models ALTER COLUMN trained_at TYPE regress.model_time;
SELECT count(*) AS recommended FROM steam_rec.recommend(1);
ALTER TABLE steam_rec.models ALTER COLUMN trained_at TYPE timestamptz;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
DROP DOMAIN regress.game_ids, regress.model_time;
