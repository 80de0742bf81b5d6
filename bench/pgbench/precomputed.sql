\set i random(1, :players)
SELECT appid, rank, score FROM steam_rec.recommendations
 WHERE user_steam_id = (SELECT steam_id FROM public.bench_players WHERE i = :i) ORDER BY rank LIMIT 10;
