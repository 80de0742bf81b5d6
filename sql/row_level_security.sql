-- A row-level-security recipe: an application role that sees and writes only
-- the rows of the player its session is acting for.  The recipe is the DBA's
-- (it is not part of the extension); this test proves it works with it.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (10, 'Counter-Strike'), (620, 'Portal 2');
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'one'), (2, 'two');
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1, 10, 5), (1, 620, 2), (2, 10, 40);
INSERT INTO steam_rec.recommendations (user_steam_id, appid, rank, score, algorithm)
VALUES (1, 400, 1, 0.9, 'popularity'), (2, 620, 1, 0.8, 'popularity');
SELECT steam_rec.refresh_engagement() > 0 AS scored;

-- The recipe.
CREATE ROLE regress_player_app NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec TO regress_player_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON steam_rec.user_games, steam_rec.recommendations TO regress_player_app;
GRANT SELECT ON steam_rec.users, steam_rec.catalog_cache, steam_rec.game_stats, steam_rec.engagement_prior
   TO regress_player_app;
GRANT USAGE ON SEQUENCE steam_rec.user_games_id_seq TO regress_player_app;
GRANT USAGE ON SCHEMA regress TO regress_player_app;  -- the test helpers
ALTER TABLE steam_rec.user_games ENABLE ROW LEVEL SECURITY;
ALTER TABLE steam_rec.recommendations ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_games ON steam_rec.user_games TO regress_player_app
    USING (user_steam_id = nullif(current_setting('steam_rec.player', true), '')::bigint);
CREATE POLICY own_recommendations ON steam_rec.recommendations TO regress_player_app
    USING (user_steam_id = nullif(current_setting('steam_rec.player', true), '')::bigint);

SET ROLE regress_player_app;
SET steam_rec.player = '1';
SELECT user_steam_id, appid FROM steam_rec.user_games ORDER BY appid;
SELECT user_steam_id, appid FROM steam_rec.recommendations;
-- Writes are held to the same rows; the trigger still scores them.
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1, 400, 3);
SELECT appid, engagement_score > 0 AS scored FROM steam_rec.user_games WHERE appid = 400;
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (2, 400, 3)$$);
UPDATE steam_rec.user_games SET playtime_hours = 0 WHERE user_steam_id = 2;  -- matches nothing it can see
DELETE FROM steam_rec.recommendations WHERE user_steam_id = 2;                -- likewise
-- Without a player set, nothing at all.
RESET steam_rec.player;
SELECT count(*) AS rows_without_a_player FROM steam_rec.user_games;
RESET ROLE;

-- Player 2's rows were untouched; maintenance (as the owner) still sees everything.
SELECT user_steam_id, appid, playtime_hours FROM steam_rec.user_games ORDER BY 1, 2;
SELECT count(*) AS recommendations FROM steam_rec.recommendations;
SELECT steam_rec.refresh_engagement() >= 0 AS refresh_sees_every_row;

DROP POLICY own_games ON steam_rec.user_games;
DROP POLICY own_recommendations ON steam_rec.recommendations;
ALTER TABLE steam_rec.user_games DISABLE ROW LEVEL SECURITY;
ALTER TABLE steam_rec.recommendations DISABLE ROW LEVEL SECURITY;
DROP OWNED BY regress_player_app;
DROP ROLE regress_player_app;
DROP EXTENSION steam_rec;
