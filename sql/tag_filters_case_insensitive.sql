-- tag_filters_case_insensitive: include_tags and exclude_tags match a tag
-- whatever the case of its ASCII letters, a NOTICE names the requested tags
-- no game has, and NULL elements are ignored (an include list of NULLs alone
-- names no tag, so it matches no game, and says so).
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 12) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT g, CASE WHEN g <= 6 THEN 'Strategy' ELSE 'FPS' END, 1 FROM generate_series(1, 12) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 20) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 13 FROM generate_series(1, 20) AS p, generate_series(1, 12) AS g WHERE (p + g) % 3 = 0;
SELECT steam_rec.train('hybrid') > 0 AS trained;

-- Any case matches, and the reason spells the tag as the catalog does.
SELECT string_agg(appid::text, ',' ORDER BY rank) AS strategy_games, min(reason) AS a_reason
  FROM steam_rec.recommend_for_games('{}', k => 10, include_tags => '{strategy}');
SELECT string_agg(appid::text, ',' ORDER BY rank) AS same_games
  FROM steam_rec.recommend_for_games('{}', k => 10, include_tags => '{STRATEGY, Strategy, sTrAtEgY}');
SELECT count(*) AS fps_left FROM steam_rec.recommend(1, k => 12, exclude_owned => false, exclude_tags => '{fps}')
 WHERE appid > 6;

-- Unknown tags: a NOTICE names each once; the known ones still filter.
SELECT count(*) AS strategy_only
  FROM steam_rec.recommend(1, k => 12, exclude_owned => false, include_tags => '{strategy, Nope, nope, "Also Not"}');
SELECT count(*) AS nothing_excluded
  FROM steam_rec.recommend(1, k => 12, exclude_owned => false, exclude_tags => '{Nope}');
SELECT count(*) AS nothing_matches FROM steam_rec.recommend(1, k => 5, include_tags => '{Nope}');
-- A long unknown name is cut in the NOTICE (at a character boundary), not
-- echoed whole: 100,000 characters made a 100 kB message.
SELECT count(*) AS long_name_cut
  FROM steam_rec.recommend(1, k => 5, include_tags => ARRAY['Nope', repeat('é', 50000) || repeat('x', 50000)]);

-- NULL elements are ignored, in every array argument.
SELECT count(*) AS only_nulls_match_nothing FROM steam_rec.recommend(1, k => 5, include_tags => '{NULL}');
SELECT count(*) AS null_ignored FROM steam_rec.recommend(1, k => 12, exclude_owned => false,
                                                       include_tags => '{NULL, fps}');
SELECT count(*) AS no_filter FROM steam_rec.recommend(1, k => 12, exclude_owned => false,
                                                    include_tags => NULL, exclude_tags => '{NULL}');
SELECT count(*) AS appid_null_ignored FROM steam_rec.recommend(1, k => 12, exclude_owned => false,
                                                             exclude_appids => '{NULL, 1}');
SELECT count(*) AS visitor_null_ignored FROM steam_rec.recommend_for_games('{NULL, 1}', k => 12);

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
