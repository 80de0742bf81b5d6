-- refresh_engagement() under row-level security.  A full refresh rebuilds
-- game_stats from every row of user_games; a caller whom a policy shows only
-- some rows must not have statistics of the rows it cannot see written where
-- it can read them.  Such a caller is refused (42501) and nothing changes; a
-- refresh of its own player, which reads through SQL and its policies, works.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (10, 'Counter-Strike'), (620, 'Portal 2');
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'one'), (2, 'two'), (3, 'three');
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1, 10, 5), (1, 620, 2), (2, 10, 40);
SELECT steam_rec.refresh_engagement() > 0 AS scored;
-- Rows that the stored statistics do not count yet, of players the role cannot see.
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (2, 620, 7), (3, 10, 1), (3, 620, 90);
CREATE TEMP TABLE stats_before AS SELECT regress.rows_hash('{game_stats,engagement_prior}') AS hash;
SELECT appid, owners FROM steam_rec.game_stats ORDER BY appid;

-- The case this guards: a maintenance role with EXECUTE and UPDATE (and what a
-- refresh writes) under a policy that shows it one player.
CREATE ROLE regress_rls_maintainer NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec TO regress_rls_maintainer;
GRANT EXECUTE ON FUNCTION steam_rec.refresh_engagement(bigint) TO regress_rls_maintainer;
GRANT SELECT, UPDATE ON steam_rec.user_games TO regress_rls_maintainer;
GRANT SELECT ON steam_rec.users TO regress_rls_maintainer;
GRANT SELECT, INSERT, UPDATE, DELETE ON steam_rec.game_stats, steam_rec.engagement_prior TO regress_rls_maintainer;
GRANT USAGE ON SCHEMA regress TO regress_rls_maintainer;  -- the test helpers
ALTER TABLE steam_rec.user_games ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_games ON steam_rec.user_games TO regress_rls_maintainer
    USING (user_steam_id = nullif(current_setting('steam_rec.player', true), '')::bigint);

SET ROLE regress_rls_maintainer;
SET steam_rec.player = '1';
SELECT count(*) AS visible_rows FROM steam_rec.user_games;
-- A full refresh would read every player's rows: refused, naming the reason.
SELECT steam_rec.refresh_engagement();
-- The statistics it can read still count only what the owner's refresh counted.
SELECT appid, owners FROM steam_rec.game_stats ORDER BY appid;
-- Its own player's rows are rescored through SQL, from the stored statistics.
UPDATE steam_rec.user_games SET engagement_score = NULL WHERE user_steam_id = 1;
SELECT steam_rec.refresh_engagement(1) AS rescored;
SELECT count(*) AS scored_rows FROM steam_rec.user_games WHERE engagement_score IS NOT NULL;
RESET steam_rec.player;
RESET ROLE;
SELECT hash = regress.rows_hash('{game_stats,engagement_prior}') AS statistics_unchanged FROM stats_before;

-- A role that bypasses row-level security, and the owner, refresh from every row.
ALTER ROLE regress_rls_maintainer BYPASSRLS;
SET ROLE regress_rls_maintainer;
SELECT steam_rec.refresh_engagement() > 0 AS refreshed;
RESET ROLE;
SELECT appid, owners FROM steam_rec.game_stats ORDER BY appid;
SELECT steam_rec.refresh_engagement() >= 0 AS owner_refreshes;

-- Without SELECT on user_games the raw read is refused as the executor would.
ALTER ROLE regress_rls_maintainer NOBYPASSRLS;
REVOKE SELECT ON steam_rec.user_games FROM regress_rls_maintainer;
SET ROLE regress_rls_maintainer;
SELECT * FROM regress.refusal($$SELECT steam_rec.refresh_engagement()$$);
RESET ROLE;

DROP POLICY own_games ON steam_rec.user_games;
ALTER TABLE steam_rec.user_games DISABLE ROW LEVEL SECURITY;
DROP OWNED BY regress_rls_maintainer;
DROP ROLE regress_rls_maintainer;
DROP EXTENSION steam_rec;
