-- Engagement scoring: the trigger, refresh_engagement(), the per-game
-- statistics, the pure scoring function, and the service's summary queries.
CREATE EXTENSION steam_rec;

-- Three games: a short puzzle game (players play 1 to 6.5 hours), a MOBA
-- (players play 50 to 600 hours), and a niche game with a single player.
INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (100, 'Puzzle'), (200, 'MOBA'), (300, 'Niche');
INSERT INTO steam_rec.users (steam_id, username)
SELECT n, 'player_' || n FROM generate_series(1, 40) AS n;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT 10 + n, 100, 0.5 + n * 0.5 FROM generate_series(1, 12) AS n
UNION ALL SELECT 25 + n, 100, 0 FROM generate_series(1, 3) AS n
UNION ALL SELECT 10 + n, 200, 50 * n FROM generate_series(1, 12) AS n
UNION ALL SELECT 30, 300, 500;

-- The trigger scores every row on insert, before any refresh: nothing is
-- left NULL, and a game never played is exactly 0, 'unplayed'.
SELECT count(*) AS rows, count(engagement_score) AS scored, count(playtime_category) AS categorised
  FROM steam_rec.user_games;
SELECT DISTINCT engagement_score, playtime_category FROM steam_rec.user_games WHERE playtime_hours = 0;

-- A full refresh measures each game and writes only changed rows; a second
-- refresh finds nothing to change.
SELECT steam_rec.refresh_engagement() > 0 AS first_refresh_changed_rows;
SELECT steam_rec.refresh_engagement() AS second_refresh_changed_rows;

SELECT appid, owners, players, round(median_hours::numeric, 2) AS median_hours,
       round(p75_hours::numeric, 2) AS p75_hours, round(p90_hours::numeric, 2) AS p90_hours,
       round(log_median::numeric, 4) AS log_median, round(log_spread::numeric, 4) AS log_spread
  FROM steam_rec.game_stats ORDER BY appid;
SELECT round(log_median::numeric, 4) AS prior_log_median, round(log_spread::numeric, 4) AS prior_log_spread,
       round(median_weight::numeric, 4) AS median_weight, games, owned_games
  FROM steam_rec.engagement_prior;

-- Within a game, for a player, the score never decreases as hours grow
-- (0 to 10,000 hours against each game's stored statistics).
SELECT gs.appid, count(*) FILTER (WHERE s.engagement_score < s.previous) AS inversions,
       min(s.engagement_score) AS lowest, max(s.engagement_score) AS highest
  FROM steam_rec.game_stats AS gs CROSS JOIN steam_rec.engagement_prior AS p
 CROSS JOIN LATERAL (
       SELECT e.engagement_score, lag(e.engagement_score) OVER (ORDER BY h) AS previous
         FROM generate_series(0, 10000, 0.5) AS h,
              steam_rec.score_engagement(h::float8, 0, gs.players, gs.log_median, gs.log_spread, 100 + h::float8,
                                         NULL, p.log_median, p.log_spread, p.median_weight) AS e) AS s
 GROUP BY gs.appid ORDER BY gs.appid;

-- The same 10 hours: devotion in the puzzle game, a first look in the MOBA.
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1, 100, 10), (1, 200, 10);
SELECT appid, playtime_hours, round(engagement_score::numeric, 4) AS score, playtime_category
  FROM steam_rec.user_games WHERE user_steam_id = 1 ORDER BY appid;

-- The niche game's single player is not simply "the median player": the
-- game borrows the prior's distribution, so 500 hours rank far above it.
SELECT round(engagement_score::numeric, 4) AS niche_score, playtime_category
  FROM steam_rec.user_games WHERE appid = 300;

-- Recent play raises the score at once (the trigger), and only so far.
CREATE TEMP TABLE before_recent AS
SELECT engagement_score FROM steam_rec.user_games WHERE user_steam_id = 1 AND appid = 200;
UPDATE steam_rec.user_games SET playtime_2weeks_hours = 20, last_played = now()
 WHERE user_steam_id = 1 AND appid = 200;
SELECT ug.engagement_score > b.engagement_score AS recent_play_raised_it,
       ug.engagement_score <= b.engagement_score + (1 - b.engagement_score) * 0.25 + 1e-6 AS boost_is_bounded
  FROM steam_rec.user_games AS ug, before_recent AS b
 WHERE ug.user_steam_id = 1 AND ug.appid = 200;

-- A player's refresh rescores from the stored statistics: the trigger knew
-- only the hours of the player's games inserted before each row.
SELECT steam_rec.refresh_engagement(1) AS changed_for_player_1;
SELECT steam_rec.refresh_engagement(1) AS changed_again;
SELECT * FROM regress.refusal($$SELECT steam_rec.refresh_engagement(424242)$$);

-- The pure function agrees with what refresh stored, row for row.
SELECT count(*) AS disagreements
  FROM steam_rec.user_games AS ug
  LEFT JOIN steam_rec.game_stats AS gs USING (appid)
  CROSS JOIN steam_rec.engagement_prior AS p
  CROSS JOIN LATERAL steam_rec.score_engagement(
        ug.playtime_hours, ug.playtime_2weeks_hours, gs.players, gs.log_median, gs.log_spread,
        (SELECT sum(o.playtime_hours) FROM steam_rec.user_games AS o WHERE o.user_steam_id = ug.user_steam_id),
        -- Days since last played, 0 for a time later today (as the trigger counts it).
        CASE WHEN ug.last_played IS NOT NULL
             THEN greatest(0, extract(epoch FROM date_trunc('day', transaction_timestamp() AT TIME ZONE 'UTC')
                                                 AT TIME ZONE 'UTC' - ug.last_played) / 86400) END,
        p.log_median, p.log_spread, p.median_weight) AS s
 WHERE s.engagement_score IS DISTINCT FROM ug.engagement_score
    OR s.playtime_category IS DISTINCT FROM ug.playtime_category;

-- score_engagement: exact values for a hand-computed case (see the unit
-- tests): 9 h in a game of 10 players with median 9 h and spread 1, prior
-- median 4.5 h, spread 1.5 and median weight 1: 0.517340.
SELECT round(engagement_score::numeric, 6) AS score, round(game_position::numeric, 6) AS position, playtime_category
  FROM steam_rec.score_engagement(9, 0, 10, ln(10), 1, NULL, NULL, ln(5.5), 1.5, 1);
SELECT * FROM steam_rec.score_engagement(0);
SELECT * FROM steam_rec.score_engagement(NULL);
SELECT * FROM regress.refusal($$SELECT steam_rec.score_engagement(-1)$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.score_engagement('NaN')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.score_engagement(10, 337)$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.score_engagement(10, 1, -5)$$);
-- A statistic in place of the stored one is checked too: NaN or an infinity
-- was read as unknown, a negative spread as none, a negative day count as
-- unknown.
SELECT * FROM regress.refusal($$SELECT steam_rec.score_engagement(10, 0, 500, 'NaN')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.score_engagement(10, 0, 500, 1, -1)$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.score_engagement(10, player_total_hours => '-Infinity')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.score_engagement(10, days_since_last_played => -5)$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.score_engagement(10, prior_median_weight => 'Infinity')$$);
-- A spread of 0 (every owner played as long) and a log median below 0 (under
-- an hour) are statistics the tables hold.
SELECT playtime_category FROM steam_rec.score_engagement(10, 0, 500, -0.5, 0);
SELECT provolatile, proparallel FROM pg_proc WHERE oid = 'steam_rec.score_engagement'::regproc;

-- Bad recent play is refused, naming the row, and writes nothing.
SELECT * FROM regress.refusal($$UPDATE steam_rec.user_games SET playtime_2weeks_hours = 337 WHERE user_steam_id = 1$$);
SELECT * FROM regress.refusal($$UPDATE steam_rec.user_games SET playtime_2weeks_hours = 'NaN' WHERE user_steam_id = 1$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours, playtime_2weeks_hours) VALUES (2, 100, 5, -1)$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (2, 100, 'Infinity')$$);
SELECT count(*) AS rows_of_player_2 FROM steam_rec.user_games WHERE user_steam_id = 2;

-- A last_played of 'infinity' or '-infinity' is no date: scored as unknown
-- (before, 'infinity' counted as played today and '-infinity' overflowed);
-- one ahead of the server's clock counts as today.  Five new players with
-- the same hours in the same game, so only last_played differs.
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'dates ' || p FROM generate_series(9001, 9005) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours, last_played)
VALUES (9001, 100, 5, NULL), (9002, 100, 5, 'infinity'), (9003, 100, 5, '-infinity'), (9004, 100, 5, now() + interval '1 day'),
       (9005, 100, 5, now());
SELECT user_steam_id,
       engagement_score = (SELECT engagement_score FROM steam_rec.user_games WHERE user_steam_id = 9001) AS as_unknown,
       engagement_score = (SELECT engagement_score FROM steam_rec.user_games WHERE user_steam_id = 9005) AS as_today
  FROM steam_rec.user_games WHERE user_steam_id IN (9002, 9003, 9004) ORDER BY user_steam_id;
SELECT count(DISTINCT engagement_score) AS unknown_and_today_differ
  FROM steam_rec.user_games WHERE user_steam_id IN (9001, 9005);
DELETE FROM steam_rec.user_games WHERE user_steam_id BETWEEN 9001 AND 9005;
DELETE FROM steam_rec.users WHERE steam_id BETWEEN 9001 AND 9005;

-- The internal scoring functions refuse to run outside a refresh.
SELECT * FROM regress.refusal($$SELECT steam_rec._rescore_score(1, 100, 1, 0, NULL)$$);

-- Only trusted roles may refresh.
SELECT has_function_privilege('public', 'steam_rec.refresh_engagement(bigint)', 'EXECUTE') AS public_may_refresh,
       has_function_privilege('public', 'steam_rec.score_engagement(double precision, double precision, double precision, double precision, double precision, double precision, double precision, double precision, double precision, double precision)', 'EXECUTE') AS public_may_score;

-- The service's summary queries.
SELECT user_steam_id, round(avg(engagement_score)::numeric, 4) AS avg_engagement
  FROM steam_rec.user_games GROUP BY user_steam_id ORDER BY avg_engagement DESC, user_steam_id LIMIT 5;
SELECT playtime_category, count(*) FROM steam_rec.user_games GROUP BY playtime_category ORDER BY playtime_category;
SELECT c.name, round(avg(ug.engagement_score)::numeric, 4) AS avg_engagement, count(*) AS owners
  FROM steam_rec.user_games AS ug JOIN steam_rec.catalog_cache AS c USING (appid)
 GROUP BY c.name ORDER BY avg_engagement DESC;

DROP EXTENSION steam_rec;
