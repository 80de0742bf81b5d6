-- steam_rec 1.3 -> 1.4: measuring recommendation quality in SQL.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.4'" to load this file. \quit

CREATE FUNCTION steam_rec.evaluate(
        algorithms text[] DEFAULT NULL,
        k integer DEFAULT 20,
        holdout real DEFAULT 0.2,
        seed integer DEFAULT 42,
        min_games integer DEFAULT 5,
        target text DEFAULT 'owned',
        params jsonb DEFAULT NULL,
        validation boolean DEFAULT false)
    RETURNS TABLE(algorithm text, recall real, ndcg real, hit_rate real, coverage real, players integer,
                  train_seconds real)
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'steam_rec_evaluate';
COMMENT ON FUNCTION steam_rec.evaluate(text[], integer, real, integer, integer, text, jsonb, boolean) IS
    'Offline ranking quality of each algorithm (popularity always included): keeps players and games with '
    'at least min_games, holds out a seeded share of each player''s games, trains on the rest inside the '
    'call and reports Recall@k, NDCG@k, hit rate and coverage. target ''engaged'' counts only held-out '
    'games played at least 2 hours; params maps an algorithm to its train() parameters; validation splits '
    'the training part again, for tuning without touching the test games. Changes no row and no model.';
REVOKE ALL ON FUNCTION steam_rec.evaluate(text[], integer, real, integer, integer, text, jsonb, boolean) FROM PUBLIC;

SELECT steam_rec._log_migration('1.3', '1.4');
