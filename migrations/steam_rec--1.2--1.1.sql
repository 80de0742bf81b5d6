-- steam_rec 1.2 -> 1.1: removes engagement scoring.  Recent play
-- (playtime_2weeks_hours, last_played), game_stats and engagement_prior are
-- kept in steam_rec.migration_stash and restored by the next upgrade.
-- engagement_score and playtime_category belong to 1.0 and stay.
\echo Use "ALTER EXTENSION steam_rec UPDATE TO '1.1'" to load this file. \quit

SELECT steam_rec._stash_must_be_empty('1.2', '{user_games.recent_play,game_stats,engagement_prior}');

INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'user_games.recent_play',
       pg_catalog.jsonb_build_object('user_steam_id', user_steam_id, 'appid', appid,
                                     'playtime_2weeks_hours', playtime_2weeks_hours,
                                     'last_played', last_played)
  FROM steam_rec.user_games
 WHERE playtime_2weeks_hours <> 0 OR last_played IS NOT NULL;
INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'game_stats', pg_catalog.to_jsonb(g) FROM steam_rec.game_stats AS g;
INSERT INTO steam_rec.migration_stash (item, payload)
SELECT 'engagement_prior', pg_catalog.to_jsonb(p) FROM steam_rec.engagement_prior AS p;

SELECT steam_rec._report_stash('1.2', '{user_games.recent_play,game_stats,engagement_prior}');

DROP TRIGGER user_games_engagement ON steam_rec.user_games;
DROP FUNCTION steam_rec.user_games_engagement_trigger();
DROP FUNCTION steam_rec.refresh_engagement(bigint);
DROP FUNCTION steam_rec._rescore_score(bigint, integer, double precision, double precision, timestamptz);
DROP FUNCTION steam_rec._rescore_category(bigint, integer, double precision, double precision, timestamptz);
DROP FUNCTION steam_rec._rescore_changed(bigint, integer, double precision, double precision, timestamptz,
    real, text);
DROP FUNCTION steam_rec.score_engagement(double precision, double precision, double precision,
    double precision, double precision, double precision, double precision, double precision,
    double precision, double precision);
ALTER EXTENSION steam_rec DROP TABLE steam_rec.engagement_prior;
ALTER EXTENSION steam_rec DROP TABLE steam_rec.game_stats;
DROP TABLE steam_rec.engagement_prior;
DROP TABLE steam_rec.game_stats;
ALTER TABLE steam_rec.user_games
    DROP COLUMN last_played,
    DROP COLUMN playtime_2weeks_hours;

SELECT steam_rec._log_migration('1.2', '1.1');
