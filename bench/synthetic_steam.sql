-- A deterministic synthetic Steam library of about :rows owned games, shaped
-- like the real data: heavy-tailed game popularity and library sizes, a
-- per-game typical playtime spanning minutes to hundreds of hours, about 45%
-- of owned games never played, log-normal hours around each game's typical
-- value, and some recent play.
--
--   psql -v rows=10000000 -f bench/synthetic_steam.sql
--
-- Loads with the engagement trigger disabled (the bulk-load recipe of the
-- README); run steam_rec.refresh_engagement() afterwards.
\set ON_ERROR_STOP on
SET max_parallel_workers_per_gather = 0;  -- one plan, one order: deterministic
SELECT setseed(0.42);

\set games (greatest(1000, :rows / 500))
\set players (greatest(100, :rows / 18))

INSERT INTO steam_rec.catalog_cache (appid, name)
SELECT g, 'Synthetic game ' || g FROM generate_series(1, :games) AS g;

-- Each game's typical hours: log-uniform from 6 minutes to 300 hours.
CREATE TEMP TABLE synthetic_games AS
SELECT g AS appid, exp(ln(0.1) + random() * (ln(300) - ln(0.1))) AS typical_hours
  FROM generate_series(1, :games) AS g;

INSERT INTO steam_rec.users (steam_id, username)
SELECT 76561197960265728 + p, 'synthetic_' || p FROM generate_series(1, :players) AS p;

ALTER TABLE steam_rec.user_games DISABLE TRIGGER user_games_engagement;

-- Library sizes: P(size >= n) = n^-0.8, capped at 2000 (median 2, 90th
-- percentile about 18, mean about 20, as in steam-200k).  Popularity: appid
-- 1 + floor(games * u^2.3), so the top game gets about 5% of all draws and
-- is owned by about 4 players in 10.  Duplicate draws are dropped.
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours, playtime_2weeks_hours, last_played)
SELECT o.player, o.appid,
       CASE WHEN o.unplayed THEN 0 ELSE round((sg.typical_hours * exp(o.noise))::numeric, 1)::float8 END,
       CASE WHEN NOT o.unplayed AND o.recent < 0.05 THEN round((o.recent * 200)::numeric, 1)::float8 ELSE 0 END,
       CASE WHEN NOT o.unplayed THEN timestamptz '2026-11-01' - o.recent * interval '900 days' END
  FROM (SELECT 76561197960265728 + p.p AS player,
               1 + floor(:games * power(random(), 2.3))::int AS appid,
               random() < 0.45 AS unplayed,
               (random() + random() + random() + random() - 2) * 1.7 AS noise,
               random() AS recent
          FROM generate_series(1, :players) AS p(p)
         CROSS JOIN LATERAL (SELECT least(2000, floor(power(1 - random() + 0 * p.p, -1 / 0.8)))::int AS size) AS l
         CROSS JOIN LATERAL generate_series(1, l.size) AS i
       ) AS o
  JOIN synthetic_games AS sg USING (appid)
ON CONFLICT (user_steam_id, appid) DO NOTHING;

ALTER TABLE steam_rec.user_games ENABLE TRIGGER user_games_engagement;
ANALYZE steam_rec.users, steam_rec.catalog_cache, steam_rec.user_games;
SELECT count(*) AS owned_games, count(DISTINCT user_steam_id) AS players, count(DISTINCT appid) AS games,
       round(avg((playtime_hours = 0)::int), 3) AS share_unplayed
  FROM steam_rec.user_games;
