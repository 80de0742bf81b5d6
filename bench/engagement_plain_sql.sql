-- The engagement model written as plain SQL (ordered-set aggregates and a
-- join), the baseline refresh_engagement() is measured against.  Same
-- statistics, same shrinkage, same categories; the normal CDF is the
-- logistic approximation 1 / (1 + exp(-1.702 z)), as SQL has no erf.
-- Recent play and last_played are left out, which only flatters this side.
WITH played AS (
    SELECT appid, ln(1 + playtime_hours) AS x FROM steam_rec.user_games WHERE playtime_hours > 0
), stats AS (
    SELECT appid, count(*) AS n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS m,
           (percentile_cont(0.75) WITHIN GROUP (ORDER BY x)
            - percentile_cont(0.25) WITHIN GROUP (ORDER BY x)) / 1.349 AS s
      FROM played GROUP BY appid
), prior AS (
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY m) AS m0,
           coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY s) FILTER (WHERE n >= 5), 1.5) AS s0
      FROM stats
), totals AS (
    SELECT user_steam_id, sum(playtime_hours) AS t FROM steam_rec.user_games GROUP BY user_steam_id
), positioned AS (
    SELECT ug.id, ug.playtime_hours AS h, tt.t,
           1 / (1 + exp(-1.702 * (ln(1 + ug.playtime_hours) - (coalesce(st.n, 0) * coalesce(st.m, p.m0) + p.m0) / (coalesce(st.n, 0) + 1))
                        / greatest(0.1, (coalesce(st.n, 0) * coalesce(st.s, p.s0) + 10 * p.s0) / (coalesce(st.n, 0) + 10)))) AS pos
      FROM steam_rec.user_games AS ug
      LEFT JOIN stats AS st USING (appid)
      JOIN totals AS tt USING (user_steam_id)
     CROSS JOIN prior AS p
), scored AS (
    SELECT id,
           CASE WHEN h = 0 THEN 0::real
                ELSE greatest(1e-4, 1 - (1 - pos) * (1 - 0.3 * least(1, h / greatest(t, h))))::real END AS score,
           CASE WHEN h = 0 THEN 'unplayed'
                WHEN pos >= 0.8 AND h >= 20 THEN 'dedicated'
                WHEN pos >= 0.5 AND h >= 5 THEN 'regular'
                WHEN pos >= 0.25 AND h >= 1 THEN 'casual'
                ELSE 'tried' END AS category
      FROM positioned
)
UPDATE steam_rec.user_games AS ug
   SET engagement_score = scored.score, playtime_category = scored.category
  FROM scored
 WHERE ug.id = scored.id
   AND (ug.engagement_score IS DISTINCT FROM scored.score OR ug.playtime_category IS DISTINCT FROM scored.category);
