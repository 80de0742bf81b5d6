-- recommend(), refresh_recommendations() and evaluate() read user_games'
-- columns as the types the extension made them.  A table owner who retyped
-- engagement_score (to double precision, or numeric) had its values read as
-- a real's bits, on the direct read and through SQL alike: a model that
-- weights by engagement ranked by garbage, in the lists served and stored.
-- Such a table is now read through SQL, which casts each column, and every
-- player keeps the list the original types gave.
CREATE EXTENSION steam_rec;
SELECT regress.load_two_clusters();
SELECT steam_rec.refresh_engagement() > 0 AS scored;
SELECT steam_rec.train('itemknn', '{"engagement_weight": 1}') > 0 AS trained;

CREATE FUNCTION regress.every_list() RETURNS TABLE (player bigint, list text) LANGUAGE sql AS $$
SELECT u.steam_id,
       (SELECT string_agg(r.appid || ':' || r.score::text, ' ' ORDER BY r.rank)
          FROM steam_rec.recommend(u.steam_id, k => 10) AS r)
  FROM steam_rec.users AS u
$$;
CREATE TEMP TABLE original_lists AS SELECT * FROM regress.every_list();
SELECT steam_rec.refresh_recommendations() > 0 AS refreshed;
CREATE TEMP TABLE original_stored AS SELECT user_steam_id, rank, appid, score FROM steam_rec.recommendations;
CREATE TEMP TABLE original_quality AS
SELECT * FROM steam_rec.evaluate(ARRAY['itemknn'], target => 'engaged', min_games => 2);

-- A role under a policy that hides nothing: its reads go through SQL.
CREATE ROLE regress_retyped_reader NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec, regress TO regress_retyped_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA steam_rec TO regress_retyped_reader;
GRANT SELECT ON original_lists TO regress_retyped_reader;
ALTER TABLE steam_rec.user_games ENABLE ROW LEVEL SECURITY;
CREATE POLICY every_row ON steam_rec.user_games TO regress_retyped_reader USING (true);

CREATE FUNCTION regress.lists_changed() RETURNS bigint LANGUAGE sql AS $$
SELECT count(*) FILTER (WHERE o.list IS DISTINCT FROM n.list)
  FROM original_lists AS o JOIN regress.every_list() AS n USING (player)
$$;

-- The engagement read as double precision, then as numeric: the same lists
-- on both paths.
ALTER TABLE steam_rec.user_games ALTER COLUMN engagement_score TYPE double precision;
SELECT regress.lists_changed() AS direct_changed;
SET ROLE regress_retyped_reader;
SELECT regress.lists_changed() AS policy_changed;
RESET ROLE;
ALTER TABLE steam_rec.user_games ALTER COLUMN engagement_score TYPE numeric;
SELECT regress.lists_changed() AS direct_changed;
SET ROLE regress_retyped_reader;
SELECT regress.lists_changed() AS policy_changed;
RESET ROLE;

-- The stored lists and the evaluation, with engagement_score numeric.
SELECT steam_rec.refresh_recommendations() > 0 AS refreshed;
SELECT count(*) AS stored_changed
  FROM (SELECT user_steam_id, rank, appid, score FROM steam_rec.recommendations
        EXCEPT SELECT * FROM original_stored) AS changed;
-- With the scoring trigger dropped, the play columns can be retyped too.
DROP TRIGGER user_games_engagement ON steam_rec.user_games;
ALTER TABLE steam_rec.user_games ALTER COLUMN playtime_hours TYPE numeric,
    ALTER COLUMN playtime_2weeks_hours TYPE numeric, ALTER COLUMN last_played TYPE text;
SELECT count(*) AS quality_changed
  FROM (SELECT algorithm, recall, ndcg, hit_rate, coverage, players
          FROM steam_rec.evaluate(ARRAY['itemknn'], target => 'engaged', min_games => 2)
        EXCEPT SELECT algorithm, recall, ndcg, hit_rate, coverage, players FROM original_quality) AS changed;

DROP POLICY every_row ON steam_rec.user_games;
ALTER TABLE steam_rec.user_games DISABLE ROW LEVEL SECURITY;
DROP FUNCTION regress.lists_changed(), regress.every_list();
DROP TABLE original_lists, original_stored, original_quality;
DROP OWNED BY regress_retyped_reader;
DROP ROLE regress_retyped_reader;
DROP EXTENSION steam_rec;
