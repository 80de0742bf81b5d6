-- refresh_recommendations() writes each batch's lists with a DELETE and a
-- plain INSERT (no ON CONFLICT arbiter: a speculative insertion per row was a
-- fifth of the write).  So a role that may delete and insert lists, but not
-- update them, can refresh; the lists replace the old ones whole, and a
-- player deleted before the refresh is skipped.
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 12) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 40) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, 1 + (p * g) % 29 FROM generate_series(1, 40) AS p, generate_series(1, 12) AS g
 WHERE (g % 2 = p % 2 AND (p + g) % 3 <> 0) OR (p * 5 + g) % 11 = 0;
SELECT steam_rec.refresh_engagement() > 0 AS scored;
SELECT steam_rec.train('itemknn') > 0 AS trained;

CREATE ROLE regress_list_writer NOLOGIN;
GRANT USAGE ON SCHEMA steam_rec TO regress_list_writer;
-- FOR NO KEY UPDATE of the players' rows needs UPDATE on users.
GRANT SELECT, UPDATE ON steam_rec.users TO regress_list_writer;
GRANT SELECT ON steam_rec.user_games, steam_rec.models, steam_rec.model_games, steam_rec.model_tags,
                steam_rec.game_tags, steam_rec.catalog_cache TO regress_list_writer;
GRANT SELECT, INSERT, DELETE ON steam_rec.recommendations TO regress_list_writer;
GRANT EXECUTE ON FUNCTION steam_rec.refresh_recommendations(bigint, integer) TO regress_list_writer;

SET ROLE regress_list_writer;
SELECT steam_rec.refresh_recommendations(k => 5) AS first_written;
SELECT steam_rec.refresh_recommendations(7, k => 2) AS one_player_written;
RESET ROLE;
DELETE FROM steam_rec.users WHERE steam_id = 40;
SET ROLE regress_list_writer;
SELECT steam_rec.refresh_recommendations(k => 3) AS second_written;
RESET ROLE;

-- Every list is the last refresh's, whole: ranks 1 to 3.
SELECT count(DISTINCT user_steam_id) AS players, count(*) AS rows,
       bool_and(rank BETWEEN 1 AND 3) AS ranks_in_range, max(user_steam_id) AS last_player
  FROM steam_rec.recommendations;
SELECT count(*) AS lists_not_whole
  FROM (SELECT user_steam_id FROM steam_rec.recommendations GROUP BY 1
        HAVING min(rank) <> 1 OR max(rank) <> count(*) OR count(DISTINCT rank) <> count(*)) AS l;

-- A row another writer added for a player is replaced, never kept beside the list.
INSERT INTO steam_rec.recommendations (user_steam_id, appid, rank, score, algorithm) VALUES (3, 12, 99, 0, 'manual')
ON CONFLICT (user_steam_id, appid) DO UPDATE SET rank = 99, algorithm = 'manual';
SELECT steam_rec.refresh_recommendations(3, k => 3) AS written;
SELECT count(*) FILTER (WHERE algorithm = 'manual') AS manual_rows, count(*) AS rows
  FROM steam_rec.recommendations WHERE user_steam_id = 3;

DROP OWNED BY regress_list_writer;
DROP ROLE regress_list_writer;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
