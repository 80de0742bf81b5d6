-- A game_tags row without a tag name (tag_name is NOT NULL in the schema, but
-- an owner may drop that) is refused as bad data, naming the game, by both
-- readers of the table: the heap scan, and the cursor used once tag_name has
-- another type.  Never as an internal error.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 20) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name, position) SELECT g, 'Tag ' || g % 4, 1 FROM generate_series(1, 20) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 30) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 23 FROM generate_series(1, 30) AS p, generate_series(1, 18) AS g WHERE (p + g) % 3 <> 0;
SELECT steam_rec.refresh_engagement() >= 0 AS scored;

ALTER TABLE steam_rec.game_tags ALTER tag_name DROP NOT NULL;
INSERT INTO steam_rec.game_tags (appid, tag_name, position) VALUES (7, NULL, 2);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('hybrid')$$);
SELECT * FROM regress.refusal($$SELECT steam_rec.evaluate('{hybrid}')$$);
-- The cursor reads a tag_name of another type.
ALTER TABLE steam_rec.game_tags ALTER tag_name TYPE char(20);
SELECT * FROM regress.refusal($$SELECT steam_rec.train('hybrid')$$);
-- Without the row both train.
DELETE FROM steam_rec.game_tags WHERE tag_name IS NULL;
SELECT steam_rec.train('hybrid') > 0 AS trained_by_cursor;
ALTER TABLE steam_rec.game_tags ALTER tag_name TYPE text;
SELECT steam_rec.train('hybrid') > 0 AS trained_by_scan;
DROP EXTENSION steam_rec CASCADE;
