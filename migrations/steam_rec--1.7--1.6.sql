-- steam_rec 1.7 -> 1.6: undoes 1.7; the stored re-rankers are stashed for the next upgrade.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.6'" to load this file. \quit

SELECT steam_rec._stash_must_be_empty('1.7', '{model_rerankers}');
INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'model_rerankers', pg_catalog.to_jsonb(r) FROM steam_rec.model_rerankers AS r;
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

-- Last: the log records the schema as this step leaves it.
SELECT steam_rec._log_migration('1.7', '1.6');
