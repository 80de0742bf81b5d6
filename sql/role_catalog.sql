-- The grants of a catalog role, exactly as docs/security.md lists them
-- ("Privileges", the catalog role), and that with them the role keeps
-- catalog_cache and game_tags current: new games, changed names and prices,
-- replaced tags, games removed from the store.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) VALUES (10, 'Counter-Strike'), (20, 'Team Fortress Classic');
INSERT INTO steam_rec.game_tags (appid, tag_name, position) VALUES (10, 'FPS', 1), (20, 'Multiplayer', 1);
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'player');
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours) VALUES (1, 10, 12);

CREATE ROLE regress_steam_catalog NOLOGIN;
-- The README's list, verbatim.
GRANT USAGE ON SCHEMA steam_rec TO regress_steam_catalog;
GRANT SELECT, INSERT, UPDATE, DELETE ON steam_rec.catalog_cache, steam_rec.game_tags TO regress_steam_catalog;
GRANT USAGE ON SEQUENCE steam_rec.game_tags_id_seq TO regress_steam_catalog;
GRANT USAGE ON SCHEMA regress TO regress_steam_catalog;  -- the test helpers

SET ROLE regress_steam_catalog;
-- A sync from the store: upsert the games, replace each game's tags.
INSERT INTO steam_rec.catalog_cache (appid, name, price_cents, is_free)
VALUES (10, 'Counter-Strike', 999, false), (620, 'Portal 2', 1999, false)
ON CONFLICT (appid) DO UPDATE SET name = excluded.name, price_cents = excluded.price_cents,
                                  is_free = excluded.is_free, updated_at = now();
DELETE FROM steam_rec.game_tags WHERE appid IN (10, 620);
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
VALUES (10, 'FPS', 1), (10, 'Classic', 2), (620, 'Puzzle', 1), (620, 'Co-op', 2);
UPDATE steam_rec.game_tags SET position = 3 WHERE appid = 10 AND tag_name = 'Classic';
-- A game gone from the store; its tags go with it.
DELETE FROM steam_rec.catalog_cache WHERE appid = 20;
SELECT appid, name, price_cents FROM steam_rec.catalog_cache ORDER BY appid;
SELECT appid, tag_name, position FROM steam_rec.game_tags ORDER BY appid, position;
-- What it must not do: players' data, models, maintenance.
SELECT * FROM regress.refusal($$SELECT count(*) FROM steam_rec.user_games$$);
SELECT * FROM regress.refusal($$INSERT INTO steam_rec.users (steam_id, username) VALUES (99, 'x')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.train()$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.refresh_engagement()$$);
RESET ROLE;

DROP OWNED BY regress_steam_catalog;
DROP ROLE regress_steam_catalog;
DROP EXTENSION steam_rec;
