-- train() reads game_tags by a heap scan where that reads what SQL would, and
-- through a cursor elsewhere (row-level security, column privileges only,
-- inheritance children).  Tags are numbered in the order they are read, so
-- the models (and their tag names) are the same only if both read the same
-- rows in the same order.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 60) AS g;
-- Rows in an order unrelated to appid or tag, some without a position.
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT g, 'Tag ' || t, CASE WHEN (g + t) % 5 = 0 THEN NULL ELSE t END
  FROM generate_series(1, 60) AS g, generate_series(1, 9) AS t
 WHERE (g * t) % 4 <> 1
 ORDER BY (g * 7919 + t * 104729) % 1009;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 200) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 37 FROM generate_series(1, 200) AS p, generate_series(1, 60) AS g
 WHERE (g % 4 = p % 4 AND (p + g) % 3 <> 0) OR (p * 5 + g * 11) % 19 = 0;
SELECT steam_rec.refresh_engagement(1) >= 0 AS scored_one;

-- A model's games and tag names, as one hash.
CREATE FUNCTION regress.tagged_model(id bigint) RETURNS text LANGUAGE sql AS $$
    SELECT md5((SELECT string_agg(format('%s %s %s %s %s %s', appid, tags, tag_weights, content_neighbors,
                                         content_weights, neighbors), ';' ORDER BY appid)
                  FROM steam_rec.model_games WHERE model_id = id)
               || (SELECT string_agg(format('%s %s', tag, tag_name), ';' ORDER BY tag)
                     FROM steam_rec.model_tags WHERE model_id = id))
$$;
CREATE TABLE regress.tag_models (reader text, algorithm text, model text);
CREATE FUNCTION regress.train_tagged(reader text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO regress.tag_models
    SELECT reader, a, regress.tagged_model(steam_rec.train(a)) FROM unnest(ARRAY['content', 'hybrid']) AS a
$$;

CREATE ROLE regress_tag_reader NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec, regress TO regress_tag_reader;
GRANT EXECUTE ON FUNCTION steam_rec.train(text, jsonb) TO regress_tag_reader;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA steam_rec TO regress_tag_reader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA steam_rec TO regress_tag_reader;
GRANT INSERT ON regress.tag_models TO regress_tag_reader;

-- 1. The owner: the heap scan.
SELECT regress.train_tagged('owner');

-- 2. A role with SELECT on the table: the heap scan.
SET ROLE regress_tag_reader;
SELECT regress.train_tagged('table privilege');
RESET ROLE;

-- 3. Column privileges only: the cursor.
REVOKE SELECT ON steam_rec.game_tags FROM regress_tag_reader;
GRANT SELECT (appid, tag_name, position) ON steam_rec.game_tags TO regress_tag_reader;
SET ROLE regress_tag_reader;
SELECT regress.train_tagged('column privileges');
RESET ROLE;

-- 4. A policy showing every row: the cursor.
GRANT SELECT ON steam_rec.game_tags TO regress_tag_reader;
ALTER TABLE steam_rec.game_tags ENABLE ROW LEVEL SECURITY;
CREATE POLICY every_tag ON steam_rec.game_tags TO regress_tag_reader USING (true);
SET ROLE regress_tag_reader;
SELECT regress.train_tagged('policy showing every row');
RESET ROLE;

-- Every reader trained the same models.
SELECT algorithm, count(*) AS trainings, count(DISTINCT model) AS different_models
  FROM regress.tag_models GROUP BY algorithm ORDER BY algorithm;

-- 5. A policy hiding most tags: the model holds only the visible ones.
DROP POLICY every_tag ON steam_rec.game_tags;
CREATE POLICY first_tags ON steam_rec.game_tags TO regress_tag_reader USING (tag_name IN ('Tag 1', 'Tag 2'));
SET ROLE regress_tag_reader;
SELECT steam_rec.train('content') AS hidden_tags_model \gset
SELECT string_agg(tag_name, ', ' ORDER BY tag) AS tag_names
  FROM steam_rec.model_tags WHERE model_id = :hidden_tags_model;
RESET ROLE;
ALTER TABLE steam_rec.game_tags DISABLE ROW LEVEL SECURITY;

DROP POLICY first_tags ON steam_rec.game_tags;
DROP OWNED BY regress_tag_reader;
DROP ROLE regress_tag_reader;
DROP TABLE regress.tag_models;
DROP FUNCTION regress.train_tagged(text), regress.tagged_model(bigint);
DROP EXTENSION steam_rec;
