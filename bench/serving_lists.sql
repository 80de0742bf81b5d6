-- md5 of every column of recommend(), recommend_for_games() and
-- similar_games() over many players and request variants, at scale M after
-- bench/serving_bench.py's preparation (public.bench_players numbers the
-- players).  Two builds serve the same lists exactly when every line matches:
--   psql -X -At -d bench -f bench/serving_lists.sql
-- A player without games is added (steam_id 1) if missing; lists of the
-- others do not depend on it.
INSERT INTO steam_rec.users (steam_id, username) VALUES (1, 'no games') ON CONFLICT DO NOTHING;

SELECT 'plain, players 1-2000       ' || md5(string_agg(r::text, '|' ORDER BY p.i, r.rank))
  FROM public.bench_players p, steam_rec.recommend(p.steam_id, k => 10) r WHERE p.i <= 2000;
SELECT 'most games, 200 players     ' || md5(string_agg(r::text, '|' ORDER BY p.steam_id, r.rank))
  FROM (SELECT user_steam_id AS steam_id FROM steam_rec.user_games GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 200) p,
       steam_rec.recommend(p.steam_id, k => 10) r;
SELECT 'no games                    ' || md5(string_agg(r::text, '|' ORDER BY r.rank))
  FROM steam_rec.recommend(1, k => 10) r;
SELECT 'k 50, players 1-300         ' || md5(string_agg(r::text, '|' ORDER BY p.i, r.rank))
  FROM public.bench_players p, steam_rec.recommend(p.steam_id, k => 50) r WHERE p.i <= 300;
SELECT 'tags and appids, 1-500      ' || md5(string_agg(r::text, '|' ORDER BY p.i, r.rank))
  FROM public.bench_players p,
       steam_rec.recommend(p.steam_id, k => 10, include_tags => ARRAY['Indie', 'casual'],
                           exclude_tags => ARRAY['Multiplayer'], exclude_appids => ARRAY[92700, 75300]) r
 WHERE p.i <= 500;
SELECT 'owned kept, 1-300           ' || md5(string_agg(r::text, '|' ORDER BY p.i, r.rank))
  FROM public.bench_players p, steam_rec.recommend(p.steam_id, k => 10, exclude_owned => false) r WHERE p.i <= 300;
SELECT 'diversity 0.4, 1-500        ' || md5(string_agg(r::text, '|' ORDER BY p.i, r.rank))
  FROM public.bench_players p, steam_rec.recommend(p.steam_id, k => 10, diversity => 0.4) r WHERE p.i <= 500;
SELECT 'recommend_for_games         ' || md5(string_agg(r::text, '|' ORDER BY g.n, r.rank))
  FROM (SELECT n, ARRAY(SELECT appid FROM steam_rec.catalog_cache ORDER BY appid OFFSET n * 7 LIMIT n % 5 + 1) AS appids
          FROM generate_series(0, 199) n) g,
       steam_rec.recommend_for_games(g.appids, k => 20) r;
SELECT 'recommend_for_games k 1000  ' || md5(string_agg(r::text, '|' ORDER BY r.rank))
  FROM steam_rec.recommend_for_games(ARRAY(SELECT appid FROM steam_rec.catalog_cache ORDER BY appid LIMIT 3000),
                                     k => 1000) r;
SELECT 'similar_games, 300 games    ' || md5(string_agg(r::text, '|' ORDER BY g.appid, r.rank))
  FROM (SELECT appid FROM steam_rec.catalog_cache ORDER BY appid LIMIT 300) g,
       steam_rec.similar_games(g.appid, k => 10) r;
