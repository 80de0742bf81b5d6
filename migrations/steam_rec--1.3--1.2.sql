-- steam_rec 1.3 -> 1.2: removes the recommendation engine.  Trained models
-- are kept in steam_rec.migration_stash and restored by the next upgrade;
-- steam_rec.recommendations belongs to 1.0 and keeps its rows.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.2'" to load this file. \quit

SELECT steam_rec._stash_must_be_empty('1.3', '{models,model_games,model_tags,models_id_seq}');

INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'models', pg_catalog.to_jsonb(m) FROM steam_rec.models AS m;
INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'model_games', pg_catalog.to_jsonb(g) FROM steam_rec.model_games AS g;
INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'model_tags', pg_catalog.to_jsonb(t) FROM steam_rec.model_tags AS t;
INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'models_id_seq', pg_catalog.jsonb_build_object('last_value', last_value, 'is_called', is_called)
  FROM steam_rec.models_id_seq
 WHERE is_called;  -- an unused sequence needs nothing kept

SELECT steam_rec._report_stash('1.3', '{models,model_games,model_tags}');

DROP FUNCTION steam_rec.model_cache_bytes();
DROP FUNCTION steam_rec.refresh_recommendations(bigint, integer);
DROP FUNCTION steam_rec.similar_games(integer, integer);
DROP FUNCTION steam_rec.recommend_for_games(integer[], integer, boolean, text[], text[], integer[], real);
DROP FUNCTION steam_rec.recommend(bigint, integer, boolean, text[], text[], integer[], real);
DROP FUNCTION steam_rec.activate_model(bigint);
DROP FUNCTION steam_rec.train(text, jsonb);
DROP TRIGGER models_delete_rows ON steam_rec.models;
DROP TRIGGER models_truncate_rows ON steam_rec.models;
DROP FUNCTION steam_rec._delete_model_rows();
DROP FUNCTION steam_rec._truncate_model_rows();
ALTER EXTENSION steam_rec DROP TABLE steam_rec.model_tags;
ALTER EXTENSION steam_rec DROP TABLE steam_rec.model_games;
ALTER EXTENSION steam_rec DROP TABLE steam_rec.models;
ALTER EXTENSION steam_rec DROP SEQUENCE steam_rec.models_id_seq;
DROP TABLE steam_rec.model_tags;
DROP TABLE steam_rec.model_games;
DROP TABLE steam_rec.models;

SELECT steam_rec._log_migration('1.3', '1.2');
