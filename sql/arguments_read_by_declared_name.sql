-- Every entry point reads its arguments by name, through the one
-- declaration of sql_contracts.cpp resolved against the called function's
-- pg_proc row.  A function declared with the same names in another order reads
-- the same values; one that lacks a declared argument, or declares it with
-- another type, is refused with 42P13 instead of being misread.
CREATE EXTENSION steam_rec;

-- score_engagement's ten arguments, declared in reverse order.
CREATE FUNCTION pg_temp.score_reversed(
    prior_median_weight double precision, prior_log_spread double precision,
    prior_log_median double precision, days_since_last_played double precision,
    player_total_hours double precision, game_log_spread double precision,
    game_log_median double precision, game_players double precision,
    playtime_2weeks_hours double precision, playtime_hours double precision,
    OUT engagement_score real, OUT game_position double precision, OUT playtime_category text)
    LANGUAGE c AS '$libdir/steam_rec', 'steam_rec_score_engagement';

SELECT s.engagement_score, s.game_position, s.playtime_category
  FROM steam_rec.score_engagement(120, 4, 5000, 2.3, 1.1, 900, 3, 2.0, 1.2, 10) AS s;
SELECT r.engagement_score, r.game_position, r.playtime_category
  FROM pg_temp.score_reversed(10, 1.2, 2.0, 3, 900, 1.1, 2.3, 5000, 4, 120) AS r;
-- Same values through both declarations.
SELECT (SELECT s FROM steam_rec.score_engagement(120, 4, 5000, 2.3, 1.1, 900, 3, 2.0, 1.2, 10) AS s)::text
     = (SELECT r FROM pg_temp.score_reversed(10, 1.2, 2.0, 3, 900, 1.1, 2.3, 5000, 4, 120) AS r)::text
       AS same_result;

-- A declared argument the function lacks: refused, not read from a neighbour.
CREATE FUNCTION pg_temp.similar_without_appid(game integer, k integer)
    RETURNS TABLE (rank integer, appid integer, name text, score real)
    LANGUAGE c AS '$libdir/steam_rec', 'steam_rec_similar_games';
SELECT code, regexp_replace(message, 'pg_temp_\d+', 'pg_temp') AS message, detail FROM regress.refusal($$SELECT * FROM pg_temp.similar_without_appid(10, 5)$$);

-- A declared argument of another type: refused, not reinterpreted.
CREATE FUNCTION pg_temp.similar_by_text(appid text, k integer)
    RETURNS TABLE (rank integer, appid integer, name text, score real)
    LANGUAGE c AS '$libdir/steam_rec', 'steam_rec_similar_games';
SELECT code, regexp_replace(message, 'pg_temp_\d+', 'pg_temp') AS message, detail FROM regress.refusal($$SELECT * FROM pg_temp.similar_by_text('10', 5)$$);
CREATE FUNCTION pg_temp.train_by_number(algorithm integer, params jsonb) RETURNS bigint
    LANGUAGE c AS '$libdir/steam_rec', 'steam_rec_train';
SELECT code, regexp_replace(message, 'pg_temp_\d+', 'pg_temp') AS message, detail FROM regress.refusal($$SELECT pg_temp.train_by_number(1, NULL)$$);

-- The refusal changed nothing.
SELECT count(*) AS models FROM steam_rec.models;

DROP EXTENSION steam_rec;
