-- Item-item cosine over user_games in plain SQL: the same similarity as
-- steam_rec.train('itemknn') with its defaults (every owned game weighs 1,
-- shrinkage 10, the 100 most similar games kept per game).
CREATE TEMP TABLE knn_plain_sql AS
WITH norms AS (
    SELECT appid, sqrt(count(*)) AS norm FROM steam_rec.user_games GROUP BY appid
), pairs AS (
    SELECT a.appid AS game, b.appid AS neighbour, count(*) AS together
      FROM steam_rec.user_games AS a
      JOIN steam_rec.user_games AS b ON b.user_steam_id = a.user_steam_id AND b.appid <> a.appid
     GROUP BY a.appid, b.appid
), scored AS (
    SELECT p.game, p.neighbour, p.together / (g.norm * n.norm + 10) AS similarity
      FROM pairs AS p JOIN norms AS g ON g.appid = p.game JOIN norms AS n ON n.appid = p.neighbour
)
SELECT game, neighbour, similarity
  FROM (SELECT s.*, row_number() OVER (PARTITION BY game ORDER BY similarity DESC, neighbour) AS r
          FROM scored AS s) AS ranked
 WHERE r <= 100;
