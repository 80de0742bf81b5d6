-- train() reads tag names in place from the rows of game_tags, without a copy
-- of each.  A name too long to stay in its row as written (a tag_name made
-- text by its owner) is compressed or moved out of line: it must be read
-- whole, as SQL reads it, by the heap scan and by the cursor alike.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 12) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 30) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 23 FROM generate_series(1, 30) AS p, generate_series(1, 12) AS g WHERE (p + g) % 3 <> 0;
SELECT steam_rec.refresh_engagement() >= 0 AS scored;

ALTER TABLE steam_rec.game_tags ALTER tag_name TYPE text;
INSERT INTO steam_rec.game_tags (appid, tag_name, position) SELECT g, 'Tag ' || g % 3, 1 FROM generate_series(1, 12) AS g;
-- Compressed in its row: 9,000 characters that repeat.
INSERT INTO steam_rec.game_tags (appid, tag_name, position) SELECT g, repeat('Roguelike ', 900), 2
  FROM generate_series(1, 12, 2) AS g;
-- Out of line, not compressed: 6,000 characters (too long for an index entry).
ALTER TABLE steam_rec.game_tags DROP CONSTRAINT game_tags_appid_tag_name_key;
DROP INDEX steam_rec.game_tags_tag_name_idx;
ALTER TABLE steam_rec.game_tags ALTER tag_name SET STORAGE EXTERNAL;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT g, (SELECT string_agg(md5(i::text), '' ORDER BY i) FROM generate_series(1, 188) AS i), 3
  FROM generate_series(2, 12, 3) AS g;
SELECT length(tag_name), pg_column_size(tag_name) < length(tag_name) AS stored_smaller, count(*) AS rows
  FROM steam_rec.game_tags GROUP BY 1, 2 ORDER BY 1;

-- The model's tag names, each as its length and hash.
CREATE FUNCTION regress.model_tag_names(id bigint) RETURNS TABLE (tag integer, length integer, hash text)
LANGUAGE sql AS $$
    SELECT tag, length(tag_name), md5(tag_name) FROM steam_rec.model_tags WHERE model_id = id ORDER BY tag
$$;

-- The heap scan (the owner reads every row).
SELECT steam_rec.train('content') AS by_scan \gset
SELECT * FROM regress.model_tag_names(:by_scan);
-- Every name as SQL reads it.
SELECT count(*) AS names_not_in_game_tags FROM regress.model_tag_names(:by_scan) AS m
 WHERE NOT EXISTS (SELECT FROM steam_rec.game_tags AS t WHERE md5(t.tag_name) = m.hash);

-- The cursor (a policy applies): the same names, numbered the same.
CREATE ROLE regress_long_tags NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec, regress TO regress_long_tags;
GRANT EXECUTE ON FUNCTION steam_rec.train(text, jsonb) TO regress_long_tags;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA steam_rec TO regress_long_tags;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA steam_rec TO regress_long_tags;
ALTER TABLE steam_rec.game_tags ENABLE ROW LEVEL SECURITY;
CREATE POLICY every_tag ON steam_rec.game_tags TO regress_long_tags USING (true);
SET ROLE regress_long_tags;
SELECT steam_rec.train('content') AS by_cursor \gset
RESET ROLE;
SELECT count(*) AS names_differing FROM (
  (SELECT * FROM regress.model_tag_names(:by_scan) EXCEPT SELECT * FROM regress.model_tag_names(:by_cursor))
  UNION ALL
  (SELECT * FROM regress.model_tag_names(:by_cursor) EXCEPT SELECT * FROM regress.model_tag_names(:by_scan))) AS d;

ALTER TABLE steam_rec.game_tags DISABLE ROW LEVEL SECURITY;
DROP POLICY every_tag ON steam_rec.game_tags;
DROP OWNED BY regress_long_tags;
DROP ROLE regress_long_tags;
DROP FUNCTION regress.model_tag_names(bigint);
DROP EXTENSION steam_rec;
