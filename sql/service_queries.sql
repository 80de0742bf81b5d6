-- The queries of the service's guide, run against the extension's tables.
CREATE EXTENSION steam_rec;

INSERT INTO steam_rec.users (steam_id, username, profile_url, last_sync, country)
SELECT 76561197960265728 + n, 'player_' || n,
       'https://steamcommunity.com/profiles/' || (76561197960265728 + n),
       CASE WHEN n % 3 = 0 THEN now() - interval '2 days'
            WHEN n % 3 = 1 THEN now() - interval '30 days' END,
       CASE WHEN n % 2 = 0 THEN 'SE' END
  FROM generate_series(1, 6) AS n;

INSERT INTO steam_rec.catalog_cache (appid, name, price_cents, is_free)
SELECT appid, 'Game ' || appid, (appid % 5) * 499, appid % 5 = 0
  FROM generate_series(1, 200) AS appid;

-- A bulk insert of many games: player 1 owns all 200, the others a few.
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT 76561197960265729, appid, CASE WHEN appid % 4 = 0 THEN 0 ELSE appid * 1.5 END
  FROM generate_series(1, 200) AS appid;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT 76561197960265728 + p, appid, (p * appid) % 7
  FROM generate_series(2, 6) AS p, generate_series(1, 10) AS appid;

SELECT count(*) AS owned_games FROM steam_rec.user_games;

-- Users synced in the last 7 days.
SELECT steam_id, username
  FROM steam_rec.users
 WHERE last_sync >= now() - interval '7 days'
 ORDER BY steam_id;

-- A player's top 10 games by playtime.
SELECT ug.appid, c.name, ug.playtime_hours
  FROM steam_rec.user_games AS ug
  JOIN steam_rec.catalog_cache AS c USING (appid)
 WHERE ug.user_steam_id = 76561197960265729
 ORDER BY ug.playtime_hours DESC, ug.appid
 LIMIT 10;

-- Players with more than 100 games.
SELECT u.username, count(*) AS games
  FROM steam_rec.users AS u
  JOIN steam_rec.user_games AS ug ON ug.user_steam_id = u.steam_id
 GROUP BY u.username
HAVING count(*) > 100;

-- A bulk update: every never-played game is 'unplayed'.
UPDATE steam_rec.user_games SET playtime_category = 'unplayed' WHERE playtime_hours = 0;
SELECT count(*) AS unplayed FROM steam_rec.user_games WHERE playtime_category = 'unplayed';
UPDATE steam_rec.user_games
   SET engagement_score = least(1.0, playtime_hours / 300.0),
       playtime_category = CASE WHEN playtime_hours = 0 THEN 'unplayed'
                                WHEN playtime_hours < 2 THEN 'tried'
                                WHEN playtime_hours < 20 THEN 'casual'
                                WHEN playtime_hours < 100 THEN 'regular'
                                ELSE 'dedicated' END;

-- A player's total playtime, average engagement and count per category.
SELECT sum(playtime_hours) AS total_hours, round(avg(engagement_score)::numeric, 4) AS avg_engagement
  FROM steam_rec.user_games WHERE user_steam_id = 76561197960265729;
SELECT playtime_category, count(*)
  FROM steam_rec.user_games WHERE user_steam_id = 76561197960265729
 GROUP BY playtime_category ORDER BY playtime_category;

-- Recommendations joined with catalog names.
INSERT INTO steam_rec.recommendations (user_steam_id, appid, rank, score, algorithm)
SELECT 76561197960265730, appid, row_number() OVER (ORDER BY appid DESC), appid / 200.0, 'popularity'
  FROM generate_series(195, 200) AS appid;
SELECT r.rank, r.appid, c.name, r.score, r.algorithm
  FROM steam_rec.recommendations AS r
  JOIN steam_rec.catalog_cache AS c USING (appid)
 WHERE r.user_steam_id = 76561197960265730
 ORDER BY r.rank;

-- Players by country, and the most common tags.
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT appid, tag, position
  FROM generate_series(1, 20) AS appid,
       unnest(ARRAY['Indie', 'Action', 'Puzzle']) WITH ORDINALITY AS t(tag, position)
 WHERE appid % position = 0;
SELECT country, count(*) FROM steam_rec.users GROUP BY country ORDER BY country NULLS LAST;
SELECT tag_name, count(*) AS games FROM steam_rec.game_tags GROUP BY tag_name ORDER BY games DESC, tag_name;

DROP EXTENSION steam_rec;
