-- train('itemknn') stores its model_games rows while the core's
-- threads compute the rest (256 games a statement).  The stored rows are
-- byte for byte the ones the whole-model INSERT wrote before: the hashes
-- below were produced by that library, and are the same on 1, 2 and 3
-- threads.  700 games, so a model takes three statements and a remainder.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 700) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT g, t, n FROM generate_series(1, 700) AS g,
       LATERAL (VALUES ('Group ' || g % 3, 1), ('Tag ' || g % 7, 2)) AS tag(t, n);
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 300) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 41 FROM generate_series(1, 300) AS p, generate_series(1, 700) AS g
 WHERE (g % 5 = p % 5 AND (p + g) % 6 = 0) OR (p * 7 + g * 13) % 37 = 0;
-- Some owners never played (play_share_exponent reads them).
UPDATE steam_rec.user_games SET playtime_hours = 0 WHERE (user_steam_id + appid) % 11 = 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;

-- Everything a model stores, as one hash, with the counts it records.
CREATE FUNCTION regress.stored(id bigint) RETURNS text LANGUAGE sql AS $$
    SELECT format('%s players, %s games, %s rows, %s', m.players, m.games,
                  (SELECT count(*) FROM steam_rec.model_games WHERE model_id = id),
                  (SELECT md5(string_agg(format('%s %s %s %s %s %s %s %s %s', appid, popularity, neighbors,
                                                weights, content_neighbors, content_weights, factors, tags,
                                                tag_weights), ';' ORDER BY appid))
                     FROM steam_rec.model_games WHERE model_id = id))
      FROM steam_rec.models AS m WHERE m.id = stored.id
$$;

CREATE TABLE regress.itemknn_models (params text, threads int, stored text);
DO $$
DECLARE
    params text;
    threads int;
BEGIN
    FOREACH params IN ARRAY ARRAY['{}', '{"weighting": "none", "neighbors": 7}', '{"play_share_exponent": 1}'] LOOP
        FOREACH threads IN ARRAY ARRAY[1, 2, 3] LOOP
            PERFORM set_config('steam_rec.max_threads', threads::text, true);
            INSERT INTO regress.itemknn_models
            SELECT params, threads, regress.stored(steam_rec.train('itemknn', params::jsonb));
        END LOOP;
    END LOOP;
END
$$;
SELECT params, threads, stored FROM regress.itemknn_models ORDER BY params, threads;
-- The trained model is the active one and serves.
SELECT algorithm, active FROM steam_rec.models ORDER BY id DESC LIMIT 1;
SELECT count(*) > 0 AS serves FROM steam_rec.recommend(1, k => 5);

DROP TABLE regress.itemknn_models;
DROP FUNCTION regress.stored(bigint);
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
