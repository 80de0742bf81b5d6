-- What an application role with only the grants it needs can and cannot do.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (10, 'Counter-Strike'), (620, 'Portal 2');
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'existing');
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1, 10, 12);
INSERT INTO steam_rec.game_tags (appid, tag_name) VALUES (10, 'FPS'), (620, 'Puzzle');
SELECT steam_rec.refresh_engagement() AS scored;
SELECT steam_rec.train('popularity') AS model;

CREATE ROLE regress_steam_app NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec TO regress_steam_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON steam_rec.users, steam_rec.user_games, steam_rec.recommendations
   TO regress_steam_app;
GRANT SELECT ON steam_rec.catalog_cache, steam_rec.game_tags, steam_rec.game_stats, steam_rec.engagement_prior
   TO regress_steam_app;
GRANT SELECT ON steam_rec.models, steam_rec.model_games, steam_rec.model_tags TO regress_steam_app;
GRANT USAGE ON SEQUENCE steam_rec.user_games_id_seq TO regress_steam_app;
GRANT SELECT ON steam_rec.applied_migrations TO regress_steam_app;
GRANT USAGE ON SCHEMA regress TO regress_steam_app;  -- the test helpers

SET ROLE regress_steam_app;
-- The application's own work: players, libraries (scored by the trigger), reads.
INSERT INTO steam_rec.users (steam_id, username) VALUES (2, 'app player');
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (2, 10, 30), (2, 620, 0);
SELECT appid, playtime_category, engagement_score > 0 AS scored FROM steam_rec.user_games WHERE user_steam_id = 2 ORDER BY appid;
SELECT playtime_category FROM steam_rec.score_engagement(5);
SELECT steam_rec.version() IS NOT NULL AS can_read_version;
SELECT rank, appid, name, reason FROM steam_rec.recommend(1, k => 1);
SELECT appid, name FROM steam_rec.similar_games(10, k => 1);
-- The migration state (the privileges stashed by migrations are not this
-- role's to read: the warning says that check was left out).
SELECT installed_version = steam_rec.version() AS installed, unnest(warnings) AS warning
  FROM steam_rec.migration_status();
SELECT count(*) > 0 AS history FROM steam_rec.migration_history();
-- What it must not do.
SELECT * FROM regress.refusal($$SELECT steam_rec.refresh_engagement()$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.refresh_engagement(2)$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.migrate('-1')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train()$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.activate_model(1)$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.refresh_recommendations()$$);
SELECT * FROM regress.refusal($$UPDATE steam_rec.models SET active = false$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.adopt_alembic('public')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.boundary_selftest('none')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec._log_migration('1.2', '1.2')$$);
SELECT * FROM regress.refusal($$UPDATE steam_rec.game_stats SET players = 0$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (99, 'x')$$);
SELECT * FROM regress.refusal($$DELETE FROM steam_rec.applied_migrations$$);
SELECT * FROM regress.refusal($$ALTER EXTENSION steam_rec UPDATE TO '1.1'$$);
SELECT * FROM regress.refusal($$DROP EXTENSION steam_rec$$);
RESET ROLE;

SELECT extversion FROM pg_extension WHERE extname = 'steam_rec';
SELECT count(*) AS applied_steps FROM steam_rec.applied_migrations;

DROP OWNED BY regress_steam_app;
DROP ROLE regress_steam_app;
DROP EXTENSION steam_rec;
