-- steam_rec 1.1 -> 1.2: engagement scoring.  Recent play on user_games, the
-- per-game playtime statistics the model compares with, the model as SQL
-- functions, and a trigger that scores new and changed rows at once.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.2'" to load this file. \quit

ALTER TABLE steam_rec.user_games
    ADD COLUMN playtime_2weeks_hours double precision NOT NULL DEFAULT 0,
    ADD COLUMN last_played timestamptz,
    -- NaN compares above every number, so this refuses NaN and Infinity too.
    ADD CONSTRAINT user_games_playtime_2weeks_hours_must_be_0_to_336
        CHECK (playtime_2weeks_hours >= 0 AND playtime_2weeks_hours <= 336);
COMMENT ON COLUMN steam_rec.user_games.playtime_2weeks_hours IS
    'Hours played in the last two weeks, as the Steam API reports them (0 to 336).';
COMMENT ON COLUMN steam_rec.user_games.last_played IS 'When the player last played the game.';

-- One row per game that anyone owns, rebuilt by refresh_engagement().
CREATE TABLE steam_rec.game_stats (
    appid        integer          NOT NULL,
    owners       integer          NOT NULL,
    players      integer          NOT NULL,
    log_median   double precision NOT NULL,
    log_spread   double precision NOT NULL,
    median_hours double precision NOT NULL,
    p75_hours    double precision NOT NULL,
    p90_hours    double precision NOT NULL,
    refreshed_at timestamptz      NOT NULL,
    CONSTRAINT game_stats_pkey PRIMARY KEY (appid)
);
COMMENT ON TABLE steam_rec.game_stats IS
    'Playtime distribution of each game among its players, for engagement scoring. '
    'Rebuilt by steam_rec.refresh_engagement().';
COMMENT ON COLUMN steam_rec.game_stats.log_median IS 'Median of ln(1 + hours) among players (hours > 0).';
COMMENT ON COLUMN steam_rec.game_stats.log_spread IS 'Interquartile range of ln(1 + hours) among players / 1.349.';

-- The typical game, which games with few players are shrunk toward.
CREATE TABLE steam_rec.engagement_prior (
    singleton    boolean          NOT NULL DEFAULT true,
    log_median   double precision NOT NULL,
    log_spread   double precision NOT NULL,
    median_weight double precision NOT NULL,
    games        integer          NOT NULL,
    owned_games  bigint           NOT NULL,
    refreshed_at timestamptz      NOT NULL,
    CONSTRAINT engagement_prior_pkey PRIMARY KEY (singleton),
    CONSTRAINT engagement_prior_has_one_row CHECK (singleton)
);
COMMENT ON TABLE steam_rec.engagement_prior IS
    'The typical game''s playtime distribution (median over games), rebuilt by refresh_engagement().';
COMMENT ON COLUMN steam_rec.engagement_prior.median_weight IS
    'How many players the prior median counts for when a game''s median is shrunk toward it.';

SELECT pg_catalog.pg_extension_config_dump('steam_rec.game_stats', '');
SELECT pg_catalog.pg_extension_config_dump('steam_rec.engagement_prior', '');

-- Put back what a downgrade to 1.1 stashed, before the trigger exists: the
-- restored rows keep the scores they had.
UPDATE steam_rec.user_games AS ug
   SET playtime_2weeks_hours = (s.payload ->> 'playtime_2weeks_hours')::double precision,
       last_played = (s.payload ->> 'last_played')::timestamptz
  FROM steam_rec.migration_stash AS s
 WHERE s.item = 'user_games.recent_play'
   AND ug.user_steam_id = (s.payload ->> 'user_steam_id')::bigint
   AND ug.appid = (s.payload ->> 'appid')::integer;
INSERT INTO steam_rec.game_stats
SELECT g.* FROM steam_rec.migration_stash AS s
 CROSS JOIN LATERAL pg_catalog.jsonb_populate_record(NULL::steam_rec.game_stats, s.payload) AS g
 WHERE s.item = 'game_stats';
INSERT INTO steam_rec.engagement_prior
SELECT p.* FROM steam_rec.migration_stash AS s
 CROSS JOIN LATERAL pg_catalog.jsonb_populate_record(NULL::steam_rec.engagement_prior, s.payload) AS p
 WHERE s.item = 'engagement_prior';
DELETE FROM steam_rec.migration_stash
 WHERE item IN ('user_games.recent_play', 'game_stats', 'engagement_prior');

CREATE FUNCTION steam_rec.score_engagement(
        playtime_hours double precision,
        playtime_2weeks_hours double precision DEFAULT 0,
        game_players double precision DEFAULT 0,
        game_log_median double precision DEFAULT NULL,
        game_log_spread double precision DEFAULT NULL,
        player_total_hours double precision DEFAULT NULL,
        days_since_last_played double precision DEFAULT NULL,
        prior_log_median double precision DEFAULT NULL,
        prior_log_spread double precision DEFAULT NULL,
        prior_median_weight double precision DEFAULT NULL,
        OUT engagement_score real,
        OUT game_position double precision,
        OUT playtime_category text)
    LANGUAGE c IMMUTABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'steam_rec_score_engagement';
COMMENT ON FUNCTION steam_rec.score_engagement(double precision, double precision, double precision,
        double precision, double precision, double precision, double precision, double precision,
        double precision, double precision) IS
    'The engagement model as a pure function: score (0..1), game-relative position and category '
    'of one play, given the game''s statistics (see steam_rec.game_stats) and the prior. '
    'NULL statistics mean unknown: the built-in prior is used.';

CREATE FUNCTION steam_rec.refresh_engagement(steam_id bigint DEFAULT NULL) RETURNS bigint
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'steam_rec_refresh_engagement';
COMMENT ON FUNCTION steam_rec.refresh_engagement(bigint) IS
    'With no argument: rebuilds game_stats and engagement_prior and rescores every user_games row. '
    'With a player: rescores that player''s games from the stored statistics. '
    'Writes only rows whose score or category changes; returns how many.';
REVOKE ALL ON FUNCTION steam_rec.refresh_engagement(bigint) FROM PUBLIC;

CREATE FUNCTION steam_rec.user_games_engagement_trigger() RETURNS trigger
    LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'steam_rec_user_games_engagement_trigger';
COMMENT ON FUNCTION steam_rec.user_games_engagement_trigger() IS
    'Scores a new or changed user_games row from the stored statistics.';
REVOKE ALL ON FUNCTION steam_rec.user_games_engagement_trigger() FROM PUBLIC;

CREATE TRIGGER user_games_engagement
    BEFORE INSERT OR UPDATE OF user_steam_id, appid, playtime_hours, playtime_2weeks_hours, last_played
    ON steam_rec.user_games
    FOR EACH ROW EXECUTE FUNCTION steam_rec.user_games_engagement_trigger();

-- Internal to refresh_engagement(): they score from the model of the refresh
-- in progress and refuse to run outside one.
CREATE FUNCTION steam_rec._rescore_score(bigint, integer, double precision, double precision, timestamptz)
    RETURNS real LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'steam_rec_rescore_score';
CREATE FUNCTION steam_rec._rescore_category(bigint, integer, double precision, double precision, timestamptz)
    RETURNS text LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'steam_rec_rescore_category';
CREATE FUNCTION steam_rec._rescore_changed(bigint, integer, double precision, double precision, timestamptz,
                                           real, text)
    RETURNS boolean LANGUAGE c VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'steam_rec_rescore_changed';
COMMENT ON FUNCTION steam_rec._rescore_score(bigint, integer, double precision, double precision, timestamptz) IS
    'Internal to steam_rec.refresh_engagement().';
COMMENT ON FUNCTION steam_rec._rescore_category(bigint, integer, double precision, double precision, timestamptz) IS
    'Internal to steam_rec.refresh_engagement().';
COMMENT ON FUNCTION steam_rec._rescore_changed(bigint, integer, double precision, double precision, timestamptz, real, text) IS
    'Internal to steam_rec.refresh_engagement().';

SELECT steam_rec._log_migration('1.1', '1.2');
