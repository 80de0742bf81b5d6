-- recommend() remembers where the active model's row lay and fetches it from
-- there next call.  Between two calls another model is activated, VACUUM
-- frees the slot of the row version the backend remembered, and inactive
-- model rows take the freed slots: the next call must serve the model active
-- in its snapshot, never a row found at the remembered address that is not
-- active.
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();
SELECT steam_rec.train('popularity') AS popular \gset
SELECT steam_rec.train('itemknn') AS knn \gset
SELECT steam_rec.activate_model(:popular);
\set list 'SELECT string_agg(appid || \':\' || round(score::numeric, 3), \' \' ORDER BY rank) AS list FROM steam_rec.recommend(1, k => 5)'
:list;
SELECT steam_rec.activate_model(:knn);
VACUUM (INDEX_CLEANUP on) steam_rec.models;
INSERT INTO steam_rec.models (id, algorithm, params, trained_at, players, games, interactions, seconds)
SELECT 100 + i, 'popularity', '{}', now(), 1, 1, 1, 0 FROM generate_series(1, 20) AS i;
-- The item-kNN model's list.
:list;
SELECT id = :knn AS knn_active FROM steam_rec.models WHERE active;
-- And back: the popularity model's list again, read through the index.
DELETE FROM steam_rec.models WHERE id > 100;
SELECT steam_rec.activate_model(:popular);
:list;
-- An activation rolled back leaves the model active before it in force.
BEGIN;
SELECT steam_rec.activate_model(:knn);
:list;
ROLLBACK;
:list;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
