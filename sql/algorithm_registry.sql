-- One registry of algorithms.  steam_rec.algorithms() lists the
-- core's registry: what train() and evaluate() accept, with each parameter's
-- kind, default and range.  The schema keeps no second list (the CHECK on
-- models.algorithm is gone in 1.5); the downgrade to 1.4, which puts it back,
-- refuses rather than lose a model the CHECK would not admit.
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();

-- 1. What it lists.
SELECT name, description, stores FROM steam_rec.algorithms();
SELECT name, key, p.value FROM steam_rec.algorithms() AS a, jsonb_each(a.parameters) AS p(key, value)
 WHERE name IN ('ease', 'hybrid') ORDER BY name, key;

-- 2. Every parameter is well formed: a kind, a default inside its range or
-- among its values.
SELECT a.name, p.key
  FROM steam_rec.algorithms() AS a, jsonb_each(a.parameters) AS p(key, spec)
 WHERE NOT CASE p.spec->>'kind'
           WHEN 'text' THEN p.spec->'values' @> jsonb_build_array(p.spec->'default')
           WHEN 'integer' THEN (p.spec->>'min')::numeric <= (p.spec->>'default')::numeric
                           AND (p.spec->>'default')::numeric <= (p.spec->>'max')::numeric
                           AND (p.spec->>'default')::numeric = trunc((p.spec->>'default')::numeric)
           WHEN 'number' THEN (p.spec->>'min')::numeric <= (p.spec->>'default')::numeric
                          AND (p.spec->>'default')::numeric <= (p.spec->>'max')::numeric
           ELSE false END;

-- 3. Every algorithm listed trains, and stores exactly the defaults listed
-- (a combining algorithm: those of its default base).
CREATE TEMP TABLE trained AS SELECT a.name, steam_rec.train(a.name) AS id FROM steam_rec.algorithms() AS a;
SELECT a.name, m.params = (SELECT jsonb_object_agg(p.key, p.spec->'default')
                             FROM jsonb_each(a.parameters) AS p(key, spec)
                            WHERE NOT p.spec ? 'bases'
                               OR p.spec->'bases' ? (a.parameters->'base'->>'default')) AS stores_listed_defaults
  FROM steam_rec.algorithms() AS a
  JOIN trained AS t USING (name)
  JOIN steam_rec.models AS m ON m.id = t.id
 ORDER BY a.name;

-- 4. No CHECK in 1.5: train() is what validates the name.
SELECT count(*) AS algorithm_checks FROM pg_constraint
 WHERE conrelid = 'steam_rec.models'::regclass AND contype = 'c' AND conname LIKE '%algorithm%';
SELECT steam_rec.train('svd');

-- 5. A model of an algorithm 1.4 does not know (as a later library could
-- train): the downgrade refuses and changes nothing.
INSERT INTO steam_rec.models (algorithm, params, players, games, interactions, seconds)
VALUES ('svd', '{}', 30, 20, 400, 1);
SELECT count(*) AS models FROM steam_rec.models;
\set SHOW_CONTEXT never
ALTER EXTENSION steam_rec UPDATE TO '1.4';
SELECT extversion, (SELECT count(*) FROM steam_rec.models) AS models FROM pg_extension WHERE extname = 'steam_rec';

-- Without it (and without the model of rp3beta, added after 1.4), the
-- downgrade puts the CHECK back and the upgrade takes it away again; every
-- model stays.
DELETE FROM steam_rec.models WHERE algorithm IN ('svd', 'rp3beta');
ALTER EXTENSION steam_rec UPDATE TO '1.4';
SELECT pg_get_constraintdef(oid) AS check_in_1_4 FROM pg_constraint
 WHERE conrelid = 'steam_rec.models'::regclass AND conname = 'models_algorithm_must_be_known';
SELECT to_regprocedure('steam_rec.algorithms()') IS NULL AS no_algorithms_in_1_4;
ALTER EXTENSION steam_rec UPDATE TO '1.5';
SELECT count(*) AS algorithm_checks FROM pg_constraint
 WHERE conrelid = 'steam_rec.models'::regclass AND contype = 'c' AND conname LIKE '%algorithm%';
SELECT count(*) AS models, count(DISTINCT algorithm) AS algorithms FROM steam_rec.models;

DROP EXTENSION steam_rec;
