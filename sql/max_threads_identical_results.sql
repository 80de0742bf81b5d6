-- Training and evaluate() run on up to steam_rec.max_threads
-- threads of the core; a model trained, and a score measured, on one thread
-- and on several are identical (fixed chunks, sums in chunk order).
CREATE EXTENSION steam_rec;

-- The setting: 1 (no threads) up to 64; anything else is refused at SET.
SELECT current_setting('steam_rec.max_threads')::int BETWEEN 1 AND 64 AS default_in_range;
SELECT * FROM regress.refusal($$SET steam_rec.max_threads = 0$$);
SELECT * FROM regress.refusal($$SET steam_rec.max_threads = 65$$);
SELECT context FROM pg_settings WHERE name = 'steam_rec.max_threads';

-- 400 players over 60 games in 3 taste groups, with tags: several chunks of
-- every parallel loop.  Developers, publishers, series and words of the
-- names shared among games, so EASE's Gram takes the catalog's facts in.
INSERT INTO steam_rec.catalog_cache (appid, name, developer, publisher)
SELECT g, (ARRAY['Star', 'Dawn', 'Tide', 'Iron', 'Frost'])[g % 5 + 1] || ' '
          || (ARRAY['Saga', 'Legends', 'Wars'])[g % 3 + 1] || ' ' || g % 4,
       'Studio ' || g % 7, 'Publisher ' || g % 4
  FROM generate_series(1, 60) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT g, t, n FROM generate_series(1, 60) AS g,
       LATERAL (VALUES ('Group ' || g % 3, 1), ('Tag ' || g % 7, 2), ('Tag ' || (g % 5 + 10), 3)) AS tag(t, n);
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 400) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 41 FROM generate_series(1, 400) AS p, generate_series(1, 60) AS g
 WHERE (g % 3 = p % 3 AND (p + g) % 4 <> 0) OR (p * 7 + g * 13) % 23 = 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;

-- Everything a model stores, as one hash (real[] prints exactly).
CREATE FUNCTION regress.model_hash(id bigint) RETURNS text LANGUAGE sql AS $$
    SELECT md5(string_agg(format('%s %s %s %s %s %s %s %s %s', appid, popularity, neighbors, weights,
                                 content_neighbors, content_weights, factors, tags, tag_weights), ';' ORDER BY appid))
      FROM steam_rec.model_games WHERE model_id = id
$$;

CREATE TABLE regress.thread_models (algorithm text, threads int, hash text);
DO $$
DECLARE
    algorithm text;
    threads int;
BEGIN
    FOR algorithm IN SELECT a.name FROM steam_rec.algorithms() AS a LOOP
        FOREACH threads IN ARRAY ARRAY[1, 2, 3] LOOP
            PERFORM set_config('steam_rec.max_threads', threads::text, true);
            INSERT INTO regress.thread_models
            SELECT algorithm, threads,
                   regress.model_hash(steam_rec.train(algorithm, CASE algorithm WHEN 'ials'
                                      THEN '{"factors": 16, "iterations": 4}' ELSE '{}' END::jsonb));
        END LOOP;
    END LOOP;
END
$$;
SELECT algorithm, count(*) AS trainings, count(DISTINCT hash) AS different_models
  FROM regress.thread_models GROUP BY algorithm ORDER BY algorithm;

-- evaluate(): the same scores on 1 and 2 threads.
SET client_min_messages = warning;
SET steam_rec.max_threads = 1;
CREATE TABLE regress.one_thread AS
SELECT * FROM steam_rec.evaluate(params => '{"ials": {"factors": 16, "iterations": 4}}');
SET steam_rec.max_threads = 2;
CREATE TABLE regress.two_threads AS
SELECT * FROM steam_rec.evaluate(params => '{"ials": {"factors": 16, "iterations": 4}}');
RESET client_min_messages;
RESET steam_rec.max_threads;
SELECT o.algorithm, o.recall = t.recall AND o.ndcg = t.ndcg AND o.hit_rate = t.hit_rate
                    AND o.coverage = t.coverage AND o.players = t.players AS same_score, o.recall > 0 AS ranks
  FROM regress.one_thread AS o JOIN regress.two_threads AS t USING (algorithm) ORDER BY o.algorithm;

-- refresh_recommendations() ranks batches on the threads while the backend
-- writes the previous batch: the stored lists are the same on 1 and 2
-- threads, for a model with collaborative and content parts, and for k
-- large enough that players' lists differ in length.
-- 2,000 more players, so the refresh runs in many batches (of 120 players:
-- a batch is at most a 5% progress step).
SELECT steam_rec.train('hybrid') > 0 AS trained;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(401, 2400) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 41 FROM generate_series(401, 2400) AS p, generate_series(1, 60) AS g
 WHERE (p * 7 + g * 13) % 11 = 0 OR (g % 3 = p % 3 AND (p + g) % 9 = 0);
CREATE TABLE regress.thread_lists (threads int, k int, lists text, rows bigint);
DO $$
DECLARE
    threads int;
    k int;
    written bigint;
BEGIN
    FOREACH k IN ARRAY ARRAY[5, 50] LOOP
        FOREACH threads IN ARRAY ARRAY[1, 2] LOOP
            PERFORM set_config('steam_rec.max_threads', threads::text, true);
            DELETE FROM steam_rec.recommendations;
            written := steam_rec.refresh_recommendations(k => k);
            INSERT INTO regress.thread_lists
            SELECT threads, k, md5(string_agg(format('%s %s %s %s %s', user_steam_id, rank, appid, score, algorithm),
                                              ';' ORDER BY user_steam_id, rank)), written
              FROM steam_rec.recommendations;
        END LOOP;
    END LOOP;
END
$$;
SELECT k, count(*) AS refreshes, count(DISTINCT lists) AS different_lists, min(rows) = max(rows) AS same_rows, min(rows) AS rows
  FROM regress.thread_lists GROUP BY k ORDER BY k;

DROP TABLE regress.thread_models, regress.one_thread, regress.two_threads, regress.thread_lists;
DROP FUNCTION regress.model_hash(bigint);
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
RESET steam_rec.allow_drop;
