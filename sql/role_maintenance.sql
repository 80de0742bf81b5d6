-- The grants of a maintenance role, exactly as docs/security.md lists
-- them ("Privileges", the maintenance role), and that with them the role does its
-- nightly work: refresh_engagement, train, activate_model,
-- refresh_recommendations and evaluate.  With EXECUTE alone each of them
-- failed on a table (game_stats, users, models).
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();

CREATE ROLE regress_steam_maintenance NOLOGIN;
-- docs/security.md's list, verbatim.
GRANT USAGE ON SCHEMA steam_rec TO regress_steam_maintenance;
GRANT EXECUTE ON FUNCTION steam_rec.refresh_engagement(bigint), steam_rec.train(text, jsonb),
      steam_rec.activate_model(bigint), steam_rec.refresh_recommendations(bigint, integer),
      steam_rec.evaluate(text[], integer, real, integer, integer, text, jsonb, boolean) TO regress_steam_maintenance;
GRANT SELECT ON steam_rec.users, steam_rec.game_tags TO regress_steam_maintenance;
GRANT SELECT (appid, developer, publisher, name, release_date) ON steam_rec.catalog_cache TO regress_steam_maintenance;
GRANT UPDATE (last_sync) ON steam_rec.users TO regress_steam_maintenance;
GRANT SELECT, UPDATE (engagement_score, playtime_category) ON steam_rec.user_games TO regress_steam_maintenance;
GRANT SELECT, INSERT, DELETE ON steam_rec.game_stats TO regress_steam_maintenance;
GRANT SELECT, INSERT, UPDATE ON steam_rec.engagement_prior TO regress_steam_maintenance;
GRANT SELECT, INSERT, UPDATE ON steam_rec.models TO regress_steam_maintenance;
GRANT SELECT, INSERT ON steam_rec.model_games, steam_rec.model_tags, steam_rec.model_governance TO regress_steam_maintenance;
GRANT SELECT, INSERT, UPDATE, DELETE ON steam_rec.recommendations TO regress_steam_maintenance;
GRANT USAGE ON SCHEMA regress TO regress_steam_maintenance;  -- the test helpers

SET ROLE regress_steam_maintenance;
-- The nightly order: scores, a model, everyone's lists; a rollback; a quality check.
SELECT steam_rec.refresh_engagement() AS rescored;
SELECT steam_rec.refresh_engagement(3) AS rescored_one;
SELECT steam_rec.train() AS hybrid_model \gset
SELECT steam_rec.train('ease') AS ease_model \gset
SELECT steam_rec.train('popularity') AS popularity_model \gset
SELECT steam_rec.refresh_recommendations() AS rows_written;
SELECT steam_rec.refresh_recommendations(3, k => 5) AS rows_written_one;
SELECT steam_rec.activate_model(:ease_model);
SELECT algorithm FROM steam_rec.models WHERE active;
SET client_min_messages = warning;
SELECT algorithm, players > 0 AS measured FROM steam_rec.evaluate('{ease}', k => 5, min_games => 3);
RESET client_min_messages;
-- What it must not do: the application's data, the catalog, migrations.
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.users (steam_id, username) VALUES (99, 'x')$$);
SELECT * FROM regress.refusal($$UPDATE steam_rec.user_games SET playtime_hours = 0$$);
SELECT * FROM regress.refusal($$DELETE FROM steam_rec.models$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (99, 'x')$$);
SELECT * FROM regress.refusal($$SELECT * FROM steam_rec.migrate('-1')$$);
RESET ROLE;

SELECT count(*) AS models, count(*) FILTER (WHERE active) AS active FROM steam_rec.models;
SELECT count(DISTINCT user_steam_id) AS players_with_lists FROM steam_rec.recommendations;

DROP OWNED BY regress_steam_maintenance;
DROP ROLE regress_steam_maintenance;
DROP EXTENSION steam_rec;
