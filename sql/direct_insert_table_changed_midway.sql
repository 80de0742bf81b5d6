-- A function a write runs (here an index expression's, which claims to be
-- immutable) can add a trigger to the table in the same transaction: no
-- lock keeps the session's own calls out.  The direct writers ask the table
-- again for each statement's worth of rows, so the rows written after the
-- change fire the trigger, as the INSERT statements after it would.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 1000) AS g;
-- A thousand players: a refresh of as many writes its lists in 20 batches.
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 1000) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 41 FROM generate_series(1, 1000) AS p, generate_series(1, 1000) AS g
 WHERE (p * 7 + g * 13) % 97 = 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;
SELECT steam_rec.train('popularity') > 0 AS trained;

CREATE TABLE regress.rows_seen (tab text, n bigint);
CREATE FUNCTION regress.see_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO regress.rows_seen VALUES (TG_TABLE_NAME, 1);
    RETURN NEW;
END
$$;
-- Adds the trigger to `tab` the first time it runs.
CREATE FUNCTION regress.add_trigger(tab text) RETURNS void VOLATILE LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger WHERE tgname = 'regress_added_midway'
                      AND tgrelid = ('steam_rec.' || tab)::regclass) THEN
        EXECUTE format('CREATE TRIGGER regress_added_midway AFTER INSERT ON steam_rec.%I'
                       ' FOR EACH ROW EXECUTE FUNCTION regress.see_row()', tab);
    END IF;
END
$$;
-- The same, then `value`: an index expression (wrongly declared immutable).
CREATE FUNCTION regress.add_trigger_once(tab text, value integer) RETURNS integer IMMUTABLE LANGUAGE plpgsql AS $$
BEGIN
    PERFORM regress.add_trigger(tab);
    RETURN value;
END
$$;

-- The refresh: the first batch goes in directly and adds the trigger; the
-- 19 batches after it see the trigger and fire it.
TRUNCATE steam_rec.recommendations;
CREATE INDEX regress_adds_trigger ON steam_rec.recommendations (regress.add_trigger_once('recommendations', appid));
SET client_min_messages = warning;
SELECT steam_rec.refresh_recommendations(k => 2) AS written;
RESET client_min_messages;
SELECT count(*) AS rows,
       (SELECT count(*) FROM steam_rec.recommendations WHERE user_steam_id <= 50) AS first_batch_rows,
       (SELECT count(*) FROM regress.rows_seen WHERE tab = 'recommendations') AS rows_seen
  FROM steam_rec.recommendations;
DROP INDEX steam_rec.regress_adds_trigger;
DROP TRIGGER regress_added_midway ON steam_rec.recommendations;

-- The staged store of itemknn on two threads writes the rows ready, at
-- least 256 games, 256 games a statement (four or more of them for 1,000):
-- the statements after the first see the trigger.
TRUNCATE steam_rec.model_games;
CREATE INDEX regress_adds_trigger ON steam_rec.model_games (regress.add_trigger_once('model_games', appid));
SET steam_rec.max_threads = 2;
SELECT steam_rec.train('itemknn') AS model \gset
RESET steam_rec.max_threads;
SELECT count(*) AS rows, seen > 0 AS later_statements_fired, seen < count(*) AS first_statement_direct
  FROM steam_rec.model_games,
       LATERAL (SELECT count(*) AS seen FROM regress.rows_seen WHERE tab = 'model_games') AS s
 WHERE model_id = :model GROUP BY seen;
DROP INDEX steam_rec.regress_adds_trigger;
DROP TRIGGER regress_added_midway ON steam_rec.model_games;

DROP TABLE regress.rows_seen;
DROP FUNCTION regress.add_trigger_once(text, integer), regress.add_trigger(text), regress.see_row();
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
