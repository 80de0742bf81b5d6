#!/usr/bin/env bash
# Quality of train() on the full tables: copies database $1 (loaded with the
# real data), holds out a seeded 20% of the rows of a seeded sample of 1,000
# players with at least 5 games, trains on the rest with `train($2, $3)`, and
# scores recommend(k => 20) against the held-out games in SQL.  Prints
# "algorithm recall ndcg hit_rate players".  Usage:
#   bench/full_tables_split.sh <db> <algorithm> [params-json] [seed]
set -euo pipefail
source_db=$1 algorithm=$2 params=${3:-'{}'} seed=${4:-42}
db=${source_db}_split
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb -T "$source_db" "$db"
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v seed="$seed" <<'SQL' >/dev/null
CREATE TABLE sample AS
  SELECT user_steam_id FROM steam_rec.user_games GROUP BY 1 HAVING count(*) >= 5
   ORDER BY md5(user_steam_id::text || ':' || :'seed') LIMIT 1000;
-- round(0.2 * n) of each sampled player's games (at least one), by a seeded hash.
CREATE TABLE held_out AS
  SELECT user_steam_id, appid FROM (
    SELECT ug.user_steam_id, ug.appid,
           row_number() OVER (PARTITION BY ug.user_steam_id
                              ORDER BY md5(ug.user_steam_id::text || ':' || ug.appid || ':' || :'seed')) AS position,
           count(*) OVER (PARTITION BY ug.user_steam_id) AS games
      FROM steam_rec.user_games AS ug JOIN sample USING (user_steam_id)) AS ranked
   WHERE position <= greatest(1, round(0.2 * games));
DELETE FROM steam_rec.user_games AS ug USING held_out AS h
 WHERE ug.user_steam_id = h.user_steam_id AND ug.appid = h.appid;
SQL
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "SET client_min_messages = warning" \
  -c "SELECT steam_rec.train('$algorithm', '$params'::jsonb)" >/dev/null
psql -X -q -At -F ' ' -v ON_ERROR_STOP=1 -d "$db" -v algorithm="$algorithm" <<'SQL'
WITH lists AS (
  SELECT s.user_steam_id, r.rank, r.appid
    FROM sample AS s, LATERAL steam_rec.recommend(s.user_steam_id, 20) AS r),
per_player AS (
  SELECT s.user_steam_id,
         (SELECT count(*) FROM held_out h WHERE h.user_steam_id = s.user_steam_id) AS held,
         coalesce(sum(CASE WHEN h.appid IS NOT NULL THEN 1 END), 0) AS hits,
         coalesce(sum(CASE WHEN h.appid IS NOT NULL THEN 1 / log(2, l.rank + 1) END), 0) AS dcg
    FROM sample AS s
    LEFT JOIN lists AS l USING (user_steam_id)
    LEFT JOIN held_out AS h ON h.user_steam_id = l.user_steam_id AND h.appid = l.appid
   GROUP BY s.user_steam_id)
SELECT :'algorithm', round(avg(hits::numeric / least(20, held)), 4),
       round(avg(dcg / (SELECT sum(1 / log(2, i + 1)) FROM generate_series(1, least(20, held)) AS i)), 4),
       round(avg((hits > 0)::int), 4), count(*)
  FROM per_player;
SQL
