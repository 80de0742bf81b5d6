-- Once game_tags.position (or appid) has another type than integer, train()
-- reads the table through a cursor: the values must reach training as the
-- same integers, or be refused by SQL's own rules, never as the bits of
-- another type's datum.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 40) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT g, 'Tag ' || t, t FROM generate_series(1, 40) AS g, generate_series(1, 6) AS t WHERE (g * t) % 4 <> 1;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 60) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 29 FROM generate_series(1, 60) AS p, generate_series(1, 36) AS g
 WHERE (g % 3 = p % 3 AND (p + g) % 4 <> 0) OR (p * 5 + g * 7) % 17 = 0;
SELECT steam_rec.refresh_engagement() >= 0 AS scored;

-- A model's tags and their weights, as one hash.
CREATE FUNCTION regress.tag_weights(id bigint) RETURNS text LANGUAGE sql AS $$
    SELECT md5(string_agg(format('%s %s %s', appid, tags, tag_weights), ';' ORDER BY appid))
      FROM steam_rec.model_games WHERE model_id = id
$$;
CREATE TABLE regress.position_models (position_type text, model text);
INSERT INTO regress.position_models SELECT 'integer', regress.tag_weights(steam_rec.train('content'));
ALTER TABLE steam_rec.game_tags ALTER position TYPE bigint;
INSERT INTO regress.position_models SELECT 'bigint', regress.tag_weights(steam_rec.train('content'));
ALTER TABLE steam_rec.game_tags ALTER position TYPE numeric;
INSERT INTO regress.position_models SELECT 'numeric', regress.tag_weights(steam_rec.train('content'));
ALTER TABLE steam_rec.game_tags ALTER appid TYPE bigint;
INSERT INTO regress.position_models SELECT 'numeric, appid bigint', regress.tag_weights(steam_rec.train('content'));
SELECT position_type, model = (SELECT model FROM regress.position_models WHERE position_type = 'integer') AS same_model
  FROM regress.position_models ORDER BY position_type;
-- A position no integer holds is refused as SQL refuses it.
UPDATE steam_rec.game_tags SET position = 5000000000 WHERE appid = 2 AND tag_name = 'Tag 2';
SELECT * FROM regress.refusal($$SELECT steam_rec.train('content')$$);
DROP EXTENSION steam_rec CASCADE;
