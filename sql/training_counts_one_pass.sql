-- The memory estimate's counts of user_games (rows and distinct games) come
-- from one heap scan where train() reads by a heap scan, and from one grouped
-- SQL count elsewhere.  Both give what count(*) and count(DISTINCT appid)
-- give the caller, so the refusal before reading names the same sizes on
-- either path, and follows what a row-level security policy shows.
CREATE EXTENSION steam_rec;
-- 3,000 games (enough for EASE to exceed the limit), owned in an order that
-- repeats each game far apart, and some players who own nothing.
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 60) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p + g) % 9 FROM generate_series(1, 50) AS p, generate_series(1, 3000) AS g
 WHERE (p * 31 + g * 17) % 7 = 0 OR g % 50 = p
 ORDER BY (p * 7919 + g * 104729) % 1000003;
SELECT count(*) AS rows, count(DISTINCT appid) AS games, (SELECT count(*) FROM steam_rec.users) AS players
  FROM steam_rec.user_games;

CREATE TABLE regress.refusals (reader text, message text, hint text);
CREATE FUNCTION regress.record_refusal(reader text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO regress.refusals SELECT reader, message, hint
      FROM regress.refusal($q$SELECT steam_rec.train('ease')$q$)
$$;
SET steam_rec.training_memory_limit = '16MB';

-- 1. The owner: counted by the heap scan.
SELECT regress.record_refusal('owner');

-- 2. A role with column privileges only: counted through SQL.
CREATE ROLE regress_counter NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec, regress TO regress_counter;
GRANT EXECUTE ON FUNCTION steam_rec.train(text, jsonb) TO regress_counter;
GRANT SELECT ON ALL TABLES IN SCHEMA steam_rec TO regress_counter;
REVOKE ALL ON steam_rec.user_games FROM regress_counter;
GRANT SELECT (id, user_steam_id, appid, engagement_score) ON steam_rec.user_games TO regress_counter;
GRANT INSERT ON regress.refusals TO regress_counter;
SET ROLE regress_counter;
SELECT regress.record_refusal('column privileges');
RESET ROLE;

-- 3. Under a policy that shows every row: counted through SQL.
GRANT SELECT ON steam_rec.user_games TO regress_counter;
ALTER TABLE steam_rec.user_games ENABLE ROW LEVEL SECURITY;
CREATE POLICY every_row ON steam_rec.user_games TO regress_counter USING (true);
SET ROLE regress_counter;
SELECT regress.record_refusal('policy showing every row');
RESET ROLE;

-- Every reader got the same refusal, naming all 3,000 games and 60 players.
SELECT count(DISTINCT (message, hint)) AS different_refusals, min(message) AS message
  FROM regress.refusals;

-- 4. A policy showing the first 1,200 games only: the count follows it.
DROP POLICY every_row ON steam_rec.user_games;
CREATE POLICY some_games ON steam_rec.user_games TO regress_counter USING (appid <= 1200);
SET ROLE regress_counter;
SELECT count(DISTINCT appid) AS visible_games FROM steam_rec.user_games;
SELECT message FROM regress.refusal($$SELECT steam_rec.train('ease')$$);
RESET ROLE;
ALTER TABLE steam_rec.user_games DISABLE ROW LEVEL SECURITY;

-- Nothing was stored by any refusal.
SELECT count(*) AS models FROM steam_rec.models;

RESET steam_rec.training_memory_limit;
DROP POLICY some_games ON steam_rec.user_games;
DROP OWNED BY regress_counter;
DROP ROLE regress_counter;
DROP TABLE regress.refusals;
DROP FUNCTION regress.record_refusal(text);
DROP EXTENSION steam_rec;
