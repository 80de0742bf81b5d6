-- steam_rec 1.7 -> 1.6: undoes 1.7; the stored re-rankers are stashed for the next upgrade.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.6'" to load this file. \quit

SELECT steam_rec._stash_must_be_empty('1.7', '{model_rerankers}');
-- A training that stores a re-ranker while this runs commits first, and its
-- row is stashed with the others.
LOCK TABLE steam_rec.model_rerankers IN EXCLUSIVE MODE;
-- Each row with its model's trained_at, so that the update gives it back only
-- to that model (an id can be taken again at 1.6); the numbers in full,
-- whatever this session's extra_float_digits.  On a Citus cluster models is
-- a reference table, which a worker may not read inside the command the
-- coordinator sent; there the rows (never read: train() refuses the
-- re-ranker) are stashed as they are.
DO $$
DECLARE
    digits constant text := current_setting('extra_float_digits');
BEGIN
    PERFORM pg_catalog.set_config('extra_float_digits', '3', true);
    IF steam_rec._models_on_citus() THEN
        INSERT INTO steam_rec.migration_stash (item, payload)
        SELECT 'model_rerankers', pg_catalog.to_jsonb(r) FROM steam_rec.model_rerankers AS r;
    ELSE
        INSERT INTO steam_rec.migration_stash (item, payload)
        SELECT 'model_rerankers', pg_catalog.to_jsonb(r) || pg_catalog.jsonb_build_object('trained_at', m.trained_at)
          FROM steam_rec.model_rerankers AS r JOIN steam_rec.models AS m ON m.id = r.model_id;
    END IF;
    PERFORM pg_catalog.set_config('extra_float_digits', digits, true);
END
$$;
SELECT steam_rec._report_stash('1.7', '{model_rerankers}');

CREATE OR REPLACE FUNCTION steam_rec._delete_model_governance() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE steam_rec.model_governance;
    ELSE
        IF current_setting('transaction_isolation') <> 'read committed' THEN
            INSERT INTO steam_rec.model_governance AS g (model_id) VALUES (OLD.id)
                ON CONFLICT ON CONSTRAINT model_governance_pkey DO NOTHING;
        END IF;
        DELETE FROM steam_rec.model_governance AS g WHERE g.model_id = OLD.id;
    END IF;
    RETURN NULL;
END
$$;

ALTER EXTENSION steam_rec DROP TABLE steam_rec.model_rerankers;
DROP TABLE steam_rec.model_rerankers;
DROP FUNCTION steam_rec._models_on_citus();

-- maintain()'s params naming a re-ranker stay, and 1.6's train() refuses
-- them: say so, as the update to 1.6 does for a pair it refuses.
DO $$
DECLARE
    misfit constant text := steam_rec._maintenance_training_misfit();
BEGIN
    IF misfit IS NOT NULL THEN
        RAISE WARNING '%', misfit
            USING HINT = 'steam_rec.maintain() fails on them until one is changed with steam_rec.set_maintenance_setting().';
    END IF;
END
$$;

-- Last: the log records the schema as this step leaves it.
SELECT steam_rec._log_migration('1.7', '1.6');
