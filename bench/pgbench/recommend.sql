\set i random(1, :players)
SELECT * FROM steam_rec.recommend((SELECT steam_id FROM public.bench_players WHERE i = :i), k => 10);
