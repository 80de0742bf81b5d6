\set i random(1, :players)
SELECT r.rank, r.appid, c.name, r.score FROM steam_rec.recommendations AS r
  LEFT JOIN steam_rec.catalog_cache AS c ON c.appid = r.appid
 WHERE r.user_steam_id = (SELECT steam_id FROM public.bench_players WHERE i = :i) ORDER BY r.rank LIMIT 10;
