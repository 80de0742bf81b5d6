-- The schema takes any finite playtime.  Two games at the largest double
-- overflowed the scoring trigger's SQL sum of the player's hours (22003
-- from an internal query), so every later insert or update of that player's
-- games failed, while refresh_engagement() summed them to infinity.  Each
-- game's hours now count toward the total up to 1e290 on both paths, and
-- both give the same scores.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 4) AS g;
INSERT INTO steam_rec.users (steam_id, username) VALUES (5, 'player_5'), (6, 'player_6');
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
VALUES (5, 1, 1.7976931348623157e308), (5, 2, 1.7976931348623157e308), (6, 1, 3), (6, 2, 40);
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (5, 3, 1), (5, 4, 0);
UPDATE steam_rec.user_games SET playtime_hours = 2 WHERE user_steam_id = 5 AND appid = 4;
SELECT steam_rec.refresh_engagement() AS rescored;
-- The trigger used the statistics before the refresh: score again by
-- touching every row, then compare with a second refresh.
UPDATE steam_rec.user_games SET playtime_hours = playtime_hours;
CREATE TEMP TABLE rescored AS
SELECT user_steam_id, appid, engagement_score, playtime_category FROM steam_rec.user_games;
SELECT steam_rec.refresh_engagement() AS rescored_again;
SELECT count(*) AS rows, count(*) FILTER (WHERE (r.engagement_score, r.playtime_category)
                                   IS DISTINCT FROM (u.engagement_score, u.playtime_category)) AS differ
  FROM rescored AS r JOIN steam_rec.user_games AS u USING (user_steam_id, appid);
SELECT user_steam_id, appid, engagement_score > 0 AS scored FROM steam_rec.user_games ORDER BY 1, 2;
DROP EXTENSION steam_rec;
