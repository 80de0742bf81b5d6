-- steam_rec 1.6 -> 1.7: a trained model's second stage, the re-ranker, is stored.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.7'" to load this file. \quit

-- Per model trained with rerank_candidates above 0: the re-ranker's fitted
-- numbers and the facts it reads of each game.  One row per model: the
-- facts of every game go in one array, in the model's model_games order.
CREATE TABLE steam_rec.model_rerankers (
    model_id   bigint NOT NULL,
    fitted     real[] NOT NULL,
    game_facts real[] NOT NULL,
    CONSTRAINT model_rerankers_pkey PRIMARY KEY (model_id)
);
COMMENT ON TABLE steam_rec.model_rerankers IS
    'The re-ranker of each model trained with rerank_candidates above 0 (rows deleted with their model): fitted, '
    'the mean and scale of each feature then the weights; game_facts, 4 per game in ascending appid order '
    '(log owners, played share, mean engagement, release year). train() writes it and serving reads it with the '
    'rights of the table''s owner, for whoever may write or read model_games.';
SELECT pg_catalog.pg_extension_config_dump('steam_rec.model_rerankers', '');

-- A model's re-ranker goes with it, through the trigger that already takes
-- its governance row with the rights of the extension's owner: a new trigger
-- on models would be one more for distribute() to know of.
CREATE OR REPLACE FUNCTION steam_rec._delete_model_governance() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE steam_rec.model_governance, steam_rec.model_rerankers;
    ELSE
        IF current_setting('transaction_isolation') <> 'read committed' THEN
            INSERT INTO steam_rec.model_governance AS g (model_id) VALUES (OLD.id)
                ON CONFLICT ON CONSTRAINT model_governance_pkey DO NOTHING;
        END IF;
        DELETE FROM steam_rec.model_governance AS g WHERE g.model_id = OLD.id;
        DELETE FROM steam_rec.model_rerankers AS r WHERE r.model_id = OLD.id;
    END IF;
    RETURN NULL;
END
$$;

-- Whether models is a Citus table here: a worker may not read it inside the
-- ALTER EXTENSION the coordinator sent it, so the scripts leave it alone.
CREATE FUNCTION steam_rec._models_on_citus() RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    -- Nested: without Citus its catalogs do not exist, and one expression
    -- naming them would fail to plan.
    IF to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
        RETURN false;
    END IF;
    RETURN EXISTS (SELECT FROM pg_catalog.pg_dist_partition WHERE logicalrelid = 'steam_rec.models'::regclass);
END
$$;
REVOKE ALL ON FUNCTION steam_rec._models_on_citus() FROM PUBLIC;

-- Put back what a downgrade to 1.6 stashed, to the models it was stashed
-- with: the same id and trained_at (an id deleted and taken again at 1.6 is
-- another model).  On a Citus cluster, where the table is never read, as
-- they were stashed.
DO $$
BEGIN
    IF steam_rec._models_on_citus() THEN
        INSERT INTO steam_rec.model_rerankers
        SELECT r.* FROM steam_rec.migration_stash AS s
         CROSS JOIN LATERAL pg_catalog.jsonb_populate_record(NULL::steam_rec.model_rerankers, s.payload) AS r
         WHERE s.item = 'model_rerankers';
    ELSE
        INSERT INTO steam_rec.model_rerankers
        SELECT r.* FROM steam_rec.migration_stash AS s
         CROSS JOIN LATERAL pg_catalog.jsonb_populate_record(NULL::steam_rec.model_rerankers, s.payload) AS r
         WHERE s.item = 'model_rerankers'
           AND EXISTS (SELECT FROM steam_rec.models AS m
                        WHERE m.id = r.model_id AND m.trained_at = (s.payload ->> 'trained_at')::timestamptz);
    END IF;
END
$$;
DELETE FROM steam_rec.migration_stash WHERE item = 'model_rerankers';

-- Last: the log records the schema as this step leaves it.
SELECT steam_rec._log_migration('1.6', '1.7');
