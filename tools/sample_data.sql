-- A small built-in sample for the demo when the real Steam data is absent:
-- 24 games with tags, 200 players with deterministic libraries and playtimes.
INSERT INTO steam_rec.catalog_cache (appid, name, release_date, developer, price_cents, is_free)
VALUES (10, 'Counter-Strike', '2000-11-01', 'Valve', 999, false),
       (70, 'Half-Life', '1998-11-08', 'Valve', 999, false),
       (220, 'Half-Life 2', '2004-11-16', 'Valve', 999, false),
       (400, 'Portal', '2007-10-10', 'Valve', 999, false),
       (620, 'Portal 2', '2011-04-18', 'Valve', 999, false),
       (440, 'Team Fortress 2', '2007-10-10', 'Valve', 0, true),
       (570, 'Dota 2', '2013-07-09', 'Valve', 0, true),
       (730, 'Counter-Strike: Global Offensive', '2012-08-21', 'Valve', 1499, false),
       (550, 'Left 4 Dead 2', '2009-11-16', 'Valve', 1999, false),
       (8930, 'Sid Meier''s Civilization V', '2010-09-21', 'Firaxis Games', 2999, false),
       (72850, 'The Elder Scrolls V: Skyrim', '2011-11-10', 'Bethesda Game Studios', 1999, false),
       (105600, 'Terraria', '2011-05-16', 'Re-Logic', 999, false),
       (4000, 'Garry''s Mod', '2006-11-29', 'Facepunch Studios', 999, false),
       (26800, 'Braid', '2009-04-10', 'Number None', 1499, false),
       (40800, 'Super Meat Boy', '2010-11-30', 'Team Meat', 1499, false),
       (48000, 'LIMBO', '2011-08-02', 'Playdead', 999, false),
       (219740, 'Don''t Starve', '2013-04-23', 'Klei Entertainment', 1499, false),
       (230410, 'Warframe', '2013-03-25', 'Digital Extremes', 0, true),
       (236850, 'Europa Universalis IV', '2013-08-13', 'Paradox Development Studio', 3999, false),
       (49520, 'Borderlands 2', '2012-09-17', 'Gearbox Software', 1999, false),
       (22380, 'Fallout: New Vegas', '2010-10-19', 'Obsidian Entertainment', 999, false),
       (8870, 'BioShock Infinite', '2013-03-25', 'Irrational Games', 2999, false),
       (203160, 'Tomb Raider', '2013-03-04', 'Crystal Dynamics', 1999, false),
       (107410, 'Arma 3', '2013-09-12', 'Bohemia Interactive', 2999, false);

INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT appid, tag, position
  FROM (VALUES (10, ARRAY['Action', 'FPS', 'Multiplayer']), (70, ARRAY['FPS', 'Classic', 'Sci-fi']),
               (220, ARRAY['FPS', 'Action', 'Sci-fi']), (400, ARRAY['Puzzle', 'First-Person', 'Comedy']),
               (620, ARRAY['Puzzle', 'Co-op', 'Comedy']), (440, ARRAY['Free to Play', 'Multiplayer', 'FPS']),
               (570, ARRAY['Free to Play', 'MOBA', 'Strategy']), (730, ARRAY['FPS', 'Multiplayer', 'Competitive']),
               (550, ARRAY['Zombies', 'Co-op', 'FPS']), (8930, ARRAY['Strategy', 'Turn-Based', '4X']),
               (72850, ARRAY['RPG', 'Open World', 'Fantasy']), (105600, ARRAY['Sandbox', 'Adventure', '2D']),
               (4000, ARRAY['Sandbox', 'Multiplayer', 'Comedy']), (26800, ARRAY['Puzzle', 'Platformer', 'Indie']),
               (40800, ARRAY['Platformer', 'Indie', 'Difficult']), (48000, ARRAY['Puzzle', 'Platformer', 'Indie']),
               (219740, ARRAY['Survival', 'Indie', 'Sandbox']), (230410, ARRAY['Free to Play', 'Action', 'Co-op']),
               (236850, ARRAY['Strategy', 'Grand Strategy', 'Historical']), (49520, ARRAY['FPS', 'RPG', 'Co-op']),
               (22380, ARRAY['RPG', 'Open World', 'Post-apocalyptic']), (8870, ARRAY['FPS', 'Story Rich', 'Action']),
               (203160, ARRAY['Action', 'Adventure', 'Female Protagonist']), (107410, ARRAY['Simulation', 'Military', 'FPS']))
       AS g(appid, tags),
       unnest(tags) WITH ORDINALITY AS t(tag, position);

INSERT INTO steam_rec.users (steam_id, username, profile_url, last_sync)
SELECT 76561197960265728 + n, 'sample_player_' || n,
       'https://steamcommunity.com/profiles/' || (76561197960265728 + n),
       now() - (n % 20) * interval '1 day'
  FROM generate_series(1, 200) AS n;

-- Each player owns a deterministic pseudo-random subset, biased to popular
-- games; about 40% of owned games are never played, playtime is heavy-tailed.
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT 76561197960265728 + p, g.appid,
       CASE WHEN abs(hashint4((p * 7919 + g.rank)::integer)) % 10 < 4 THEN 0
            ELSE round((exp((abs(hashint4((p * 31 + g.rank)::integer)) % 700) / 100.0) / 10)::numeric, 1)::float8 END
  FROM generate_series(1, 200) AS p,
       (SELECT appid, row_number() OVER (ORDER BY appid) AS rank FROM steam_rec.catalog_cache) AS g
 WHERE abs(hashint4((p * 104729 + g.rank)::integer)) % 100 < 60 - 2 * g.rank;
