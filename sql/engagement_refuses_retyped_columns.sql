-- The engagement trigger and refresh_engagement() read user_games' columns,
-- and the trigger writes engagement_score and playtime_category, as the
-- types the extension made them.  A table owner who retyped engagement_score
-- to numeric made the next INSERT write a real's bits as a numeric pointer
-- and crash the backend; a numeric playtime_hours was read as a double's
-- bits.  Each is now refused naming the column (42804) and changes nothing.
-- A domain over a read column's type is that type; the written columns take
-- their exact type only (the trigger's writes would skip a domain's checks),
-- or for the category a varchar long enough for every name.  The statistics tables
-- (game_stats, engagement_prior) are read through SQL with each column cast,
-- so retyping them changes no score.
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();
SELECT steam_rec.refresh_engagement() > 0 AS scored;
CREATE TEMP TABLE original_scores AS
SELECT user_steam_id, appid, engagement_score, playtime_category FROM steam_rec.user_games;
CREATE FUNCTION regress.scores_changed() RETURNS bigint LANGUAGE sql AS $$
SELECT count(*) FROM (SELECT user_steam_id, appid, engagement_score, playtime_category FROM steam_rec.user_games
                      EXCEPT SELECT * FROM original_scores) AS changed
$$;
CREATE TEMP TABLE original_hours AS
SELECT playtime_hours FROM steam_rec.user_games WHERE user_steam_id = 1 AND appid = 1;
-- A played game of a player of the first cluster, written again.
CREATE FUNCTION regress.write_again() RETURNS void LANGUAGE sql AS $$
DELETE FROM steam_rec.user_games WHERE user_steam_id = 1 AND appid = 1;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT 1, 1, playtime_hours FROM original_hours;
$$;

CREATE DOMAIN regress.score AS real CHECK (VALUE <= 0.5);
CREATE DOMAIN regress.hours AS double precision;

-- Each retyped column: every write of a row and refresh_engagement() are
-- refused, naming it.  The columns the trigger's UPDATE OF lists can be
-- retyped only without the trigger; then refresh_engagement() refuses them.
CREATE FUNCTION regress.retyped_refusals(change text) RETURNS TABLE (call text, code text, message text, hint text)
LANGUAGE plpgsql AS $$
DECLARE
    triggered boolean := change ~ '^(engagement_score|playtime_category) ';
BEGIN
    IF NOT triggered THEN
        DROP TRIGGER user_games_engagement ON steam_rec.user_games;
    END IF;
    EXECUTE 'ALTER TABLE steam_rec.user_games ALTER COLUMN ' || change;
    IF triggered THEN
        RETURN QUERY SELECT 'insert', r.code, r.message, r.hint
          FROM regress.refusal($q$INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1, 999, 3)$q$) AS r;
        RETURN QUERY SELECT 'update', r.code, r.message, r.hint
          FROM regress.refusal($q$UPDATE steam_rec.user_games SET playtime_hours = playtime_hours + 1 WHERE user_steam_id = 1$q$) AS r;
    END IF;
    RETURN QUERY SELECT 'refresh_engagement()', r.code, r.message, r.hint
      FROM regress.refusal('SELECT steam_rec.refresh_engagement()') AS r;
    RAISE EXCEPTION 'undo' USING ERRCODE = 'no_data_found';
EXCEPTION WHEN no_data_found THEN
    RETURN;
END
$$;
SELECT * FROM regress.retyped_refusals('engagement_score TYPE numeric');
SELECT * FROM regress.retyped_refusals('engagement_score TYPE double precision');
SELECT * FROM regress.retyped_refusals('playtime_category TYPE varchar(8) USING left(playtime_category, 8), DROP CONSTRAINT user_games_playtime_category_must_be_known');
SELECT * FROM regress.retyped_refusals('engagement_score TYPE regress.score USING least(engagement_score, 0.5)');
SELECT * FROM regress.retyped_refusals('playtime_hours TYPE numeric');
SELECT * FROM regress.retyped_refusals('playtime_2weeks_hours TYPE real');
SELECT * FROM regress.retyped_refusals('last_played TYPE text');
SELECT * FROM regress.retyped_refusals('appid TYPE bigint');
SELECT regress.scores_changed() AS changed_by_refusals;
SELECT count(*) AS owned FROM steam_rec.user_games WHERE appid = 999;
SELECT count(*) AS triggers FROM pg_trigger WHERE tgname = 'user_games_engagement';

-- A varchar long enough for every category is written as text was; a
-- domain over a column only read is read as its type.
ALTER TABLE steam_rec.user_games ALTER COLUMN playtime_category TYPE varchar(16);
SELECT regress.write_again();
SELECT steam_rec.refresh_engagement() >= 0 AS refreshed;
SELECT regress.scores_changed() AS changed_under_varchar;
ALTER TABLE steam_rec.user_games ALTER COLUMN playtime_category TYPE text;
BEGIN;
DROP TRIGGER user_games_engagement ON steam_rec.user_games;
ALTER TABLE steam_rec.user_games ALTER COLUMN playtime_hours TYPE regress.hours;
SELECT steam_rec.refresh_engagement() >= 0 AS refreshed;
SELECT regress.scores_changed() AS changed_under_domain;
ROLLBACK;

-- The statistics retyped: a row written again and one player's refresh
-- score as before.
ALTER TABLE steam_rec.game_stats ALTER COLUMN log_median TYPE numeric, ALTER COLUMN log_spread TYPE numeric,
    ALTER COLUMN players TYPE bigint;
ALTER TABLE steam_rec.engagement_prior ALTER COLUMN log_median TYPE numeric,
    ALTER COLUMN log_spread TYPE numeric, ALTER COLUMN median_weight TYPE real;
UPDATE steam_rec.user_games SET engagement_score = NULL WHERE user_steam_id = 1;
SELECT regress.write_again();
SELECT steam_rec.refresh_engagement(1) >= 0 AS refreshed_player;
SELECT regress.scores_changed() AS changed_by_retyped_statistics;

DROP FUNCTION regress.retyped_refusals(text), regress.scores_changed(), regress.write_again();
DROP DOMAIN regress.score, regress.hours;
DROP TABLE original_scores, original_hours;
DROP EXTENSION steam_rec;
