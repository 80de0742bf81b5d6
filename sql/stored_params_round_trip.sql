-- Defect 1: a parameter train() accepts must be stored exactly and the model
-- must load and serve in any backend.  train('ials', '{"seed": 2147483647}')
-- used to store 2147484000 (%.7g), after which every recommend() failed.
-- The algorithms come from steam_rec.algorithms(); their parameters and
-- ranges from train()'s own refusals, so an algorithm or parameter added
-- later is covered without editing this test.
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();

-- The message of a refused train() call.
CREATE FUNCTION regress.train_refusal(algorithm text, params jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    message text;
BEGIN
    PERFORM steam_rec.train(algorithm, params);
    RETURN NULL;
EXCEPTION WHEN invalid_parameter_value THEN
    GET STACKED DIAGNOSTICS message = MESSAGE_TEXT;
    RETURN message;
END
$$;

-- Every (algorithm, parameter, end of range) train() accepts, trained and stored.
CREATE TABLE regress.stored_params (model_id bigint, algorithm text, base jsonb, key text, given text);
DO $$
DECLARE
    variant record;
    key text;
    message text;
    ends text[];
    value text;
    params jsonb;
BEGIN
    FOR variant IN
        SELECT a.name AS algorithm, b.base
          FROM steam_rec.algorithms() AS a
          LEFT JOIN LATERAL (SELECT jsonb_build_object('base', base) AS base
                               FROM jsonb_array_elements_text(a.parameters->'base'->'values') AS base) AS b ON true
    LOOP
        message := regress.train_refusal(variant.algorithm, coalesce(variant.base, '{}') || '{"no_such_key": 1}');
        FOREACH key IN ARRAY string_to_array(substring(message FROM 'are (.*)$'), ', ') LOOP
            CONTINUE WHEN key = 'base';
            message := regress.train_refusal(variant.algorithm,
                                             coalesce(variant.base, '{}') || jsonb_build_object(key, -1e300));
            ends := CASE WHEN message ~ 'must be between'
                         THEN ARRAY[substring(message FROM 'between (\S+) and'), substring(message FROM 'and (\S+), not')]
                         ELSE NULL END;
            IF ends IS NULL THEN  -- a text parameter: every value it names
                message := regress.train_refusal(variant.algorithm,
                                                 coalesce(variant.base, '{}') || jsonb_build_object(key, 'x'));
                ends := string_to_array(substring(message FROM 'one of (.*), not'), ', ');
            END IF;
            FOREACH value IN ARRAY ends LOOP
                -- Measured by evaluate() only: train() refuses it (sql/evaluate.sql).
                CONTINUE WHEN key = 'rerank_candidates' AND value::numeric > 0;
                -- Small factorisations keep the ends of the other ranges quick.
                params := CASE WHEN variant.algorithm = 'ials' OR variant.base->>'base' = 'ials'
                               THEN '{"factors": 2, "iterations": 1}'::jsonb ELSE '{}' END
                          || coalesce(variant.base, '{}')
                          || jsonb_build_object(key, CASE WHEN value ~ '^[-0-9]' THEN value::numeric::text::jsonb
                                                          ELSE to_jsonb(value) END);
                INSERT INTO regress.stored_params
                VALUES (steam_rec.train(variant.algorithm, params), variant.algorithm, variant.base, key, value);
            END LOOP;
        END LOOP;
    END LOOP;
END
$$;

-- What was covered: a parameter added or removed shows here.
SELECT algorithm, base->>'base' AS base, string_agg(DISTINCT key, ', ') AS parameters, count(*) AS models
  FROM regress.stored_params GROUP BY 1, 2 ORDER BY 1, 2;

-- Each stored exactly as given.
SELECT s.algorithm, s.base->>'base' AS base, s.key, s.given, m.params->s.key AS stored
  FROM regress.stored_params AS s JOIN steam_rec.models AS m ON m.id = s.model_id
 WHERE CASE WHEN jsonb_typeof(m.params->s.key) = 'number' THEN (m.params->>s.key)::numeric <> s.given::numeric
            ELSE m.params->>s.key IS DISTINCT FROM s.given END;
SELECT steam_rec.train('ials', '{"factors": 2, "iterations": 1, "seed": 12345678}') AS seed_model \gset
SELECT params->'seed' AS seed FROM steam_rec.models WHERE id = :seed_model;

-- In a fresh backend, every one of them activates and serves.
\c
CREATE FUNCTION pg_temp.served(model bigint) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    PERFORM steam_rec.activate_model(model);
    RETURN (SELECT count(*) FROM steam_rec.recommend_for_games('{1,2,11}', k => 3))
         + (SELECT count(*) FROM steam_rec.recommend(1, k => 3));
END
$$;
SELECT count(*) AS models, count(*) FILTER (WHERE pg_temp.served(model_id) = 6) AS served
  FROM regress.stored_params;
SELECT algorithm, base->>'base' AS base, key, given FROM regress.stored_params
 WHERE pg_temp.served(model_id) <> 6;

DROP TABLE regress.stored_params;
DROP FUNCTION regress.train_refusal(text, jsonb);
DROP EXTENSION steam_rec;
