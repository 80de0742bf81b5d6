#!/usr/bin/env bash
# The demo, run inside a throwaway cluster (tools/run demo starts one with
# pg_virtualenv): creates the extension, loads the real Steam data when
# ../shared/data/steam is present (a small built-in sample otherwise), and
# shows what is in it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA_DIR=${STEAM_REC_DATA:-$ROOT/../shared/data/steam}
DB=steam_rec_demo

show() {  # show TITLE SQL
  printf '\n## %s\n' "$1"
  psql -X -q -d $DB -P pager=off -P footer=off -c "$2"
}

dropdb --if-exists $DB 2>/dev/null
createdb $DB
psql -X -q -d $DB -c 'CREATE EXTENSION steam_rec'

if [ -r "$DATA_DIR/user_games.csv" ]; then
  echo "Loading the Steam data from $DATA_DIR ..."
  start=$(date +%s.%N)
  "$ROOT/tools/load_steam_data.sh" "$DATA_DIR" $DB
  awk -v start="$start" -v end="$(date +%s.%N)" 'BEGIN { printf "loaded in %.1f s\n", end - start }'
else
  echo "No Steam data at $DATA_DIR: loading the built-in sample."
  psql -X -q -v ON_ERROR_STOP=1 -d $DB -f "$ROOT/tools/sample_data.sql"
fi

show "steam_rec" "
SELECT e.extversion AS sql_version, steam_rec.version() AS library_version,
       (SELECT count(*) FROM steam_rec.users) AS players,
       (SELECT count(*) FROM steam_rec.catalog_cache) AS catalog_games,
       (SELECT count(*) FROM steam_rec.user_games) AS owned_games,
       (SELECT count(*) FROM steam_rec.game_tags) AS tags
  FROM pg_extension AS e WHERE e.extname = 'steam_rec'"

show "How much of what players own do they play?" "
SELECT round(100.0 * count(*) FILTER (WHERE playtime_hours = 0) / count(*), 1) AS pct_never_played,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY playtime_hours) FILTER (WHERE playtime_hours > 0))::numeric, 1) AS median_hours_played,
       round((percentile_cont(0.9) WITHIN GROUP (ORDER BY playtime_hours) FILTER (WHERE playtime_hours > 0))::numeric, 1) AS p90_hours_played,
       max(playtime_hours) AS max_hours
  FROM steam_rec.user_games"

show "Most owned games" "
SELECT ug.appid, coalesce(c.name, '(not in catalog)') AS name, count(*) AS owners,
       count(*) FILTER (WHERE ug.playtime_hours > 0) AS players,
       round(sum(ug.playtime_hours)) AS total_hours
  FROM steam_rec.user_games AS ug
  LEFT JOIN steam_rec.catalog_cache AS c USING (appid)
 GROUP BY ug.appid, c.name
 ORDER BY owners DESC, ug.appid
 LIMIT 10"

show "Most played games (median hours among players, at least 20 players)" "
SELECT ug.appid, coalesce(c.name, '(not in catalog)') AS name, count(*) AS players,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ug.playtime_hours))::numeric, 1) AS median_hours
  FROM steam_rec.user_games AS ug
  LEFT JOIN steam_rec.catalog_cache AS c USING (appid)
 WHERE ug.playtime_hours > 0
 GROUP BY ug.appid, c.name
HAVING count(*) >= 20
 ORDER BY median_hours DESC
 LIMIT 10"

printf '\n## Engagement: steam_rec.refresh_engagement()\n'
psql -X -q -d $DB -P footer=off -c '\timing on' -c 'SELECT steam_rec.refresh_engagement() AS rows_scored'

show "How engaged are players? (playtime_category, from each game's own playtime distribution)" "
SELECT playtime_category, count(*) AS owned_games, round(avg(engagement_score)::numeric, 3) AS avg_score,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY playtime_hours))::numeric, 1) AS median_hours
  FROM steam_rec.user_games
 GROUP BY playtime_category
 ORDER BY avg_score"

show "The same 10 hours, game by game: devotion in a short game, a first look in a long one" "
SELECT c.name, round(gs.median_hours::numeric, 1) AS median_hours_of_players,
       round(s.engagement_score::numeric, 3) AS score_of_10_hours, s.playtime_category
  FROM steam_rec.game_stats AS gs
  JOIN steam_rec.catalog_cache AS c USING (appid)
 CROSS JOIN steam_rec.engagement_prior AS p
 CROSS JOIN LATERAL steam_rec.score_engagement(10, 0, gs.players, gs.log_median, gs.log_spread,
                                               NULL, NULL, p.log_median, p.log_spread, p.median_weight) AS s
 WHERE gs.players >= 30
 ORDER BY gs.players DESC
 LIMIT 12"

show "Games their owners are most engaged with (at least 50 owners)" "
SELECT c.name, count(*) AS owners, round(avg(ug.engagement_score)::numeric, 3) AS avg_engagement,
       count(*) FILTER (WHERE ug.playtime_category = 'dedicated') AS dedicated
  FROM steam_rec.user_games AS ug
  JOIN steam_rec.catalog_cache AS c USING (appid)
 GROUP BY c.name
HAVING count(*) >= 50
 ORDER BY avg_engagement DESC
 LIMIT 10"

show "Most common tags among owned games" "
SELECT t.tag_name, count(*) AS owned_games_with_tag
  FROM steam_rec.user_games AS ug
  JOIN steam_rec.game_tags AS t USING (appid)
 GROUP BY t.tag_name
 ORDER BY 2 DESC
 LIMIT 10"

show "Library sizes" "
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY games) AS median_games,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY games) AS p90_games,
       max(games) AS max_games,
       count(*) FILTER (WHERE games > 100) AS players_with_over_100_games
  FROM (SELECT user_steam_id, count(*) AS games FROM steam_rec.user_games GROUP BY 1) AS libraries"

show "One player's top 10 games by engagement (the player with the median library of 10+ games)" "
WITH sizes AS (SELECT user_steam_id, count(*) AS games FROM steam_rec.user_games GROUP BY 1),
     chosen AS (SELECT user_steam_id FROM sizes WHERE games >= 10 ORDER BY games, user_steam_id
                LIMIT 1 OFFSET (SELECT count(*) / 2 FROM sizes WHERE games >= 10))
SELECT u.username, ug.appid, coalesce(c.name, '(not in catalog)') AS name, ug.playtime_hours,
       round(ug.engagement_score::numeric, 3) AS engagement, ug.playtime_category
  FROM chosen
  JOIN steam_rec.users AS u ON u.steam_id = chosen.user_steam_id
  JOIN steam_rec.user_games AS ug ON ug.user_steam_id = u.steam_id
  LEFT JOIN steam_rec.catalog_cache AS c ON c.appid = ug.appid
 ORDER BY ug.engagement_score DESC, ug.appid
 LIMIT 10"

printf '\n## Recommendations: steam_rec.train() and steam_rec.recommend()\n'
psql -X -q -d $DB -P footer=off -c '\timing on' -c 'SELECT steam_rec.train() AS model_id'

show "The same player's top 5 recommendations, with the reasons" "
WITH sizes AS (SELECT user_steam_id, count(*) AS games FROM steam_rec.user_games GROUP BY 1),
     chosen AS (SELECT user_steam_id FROM sizes WHERE games >= 10 ORDER BY games, user_steam_id
                LIMIT 1 OFFSET (SELECT count(*) / 2 FROM sizes WHERE games >= 10))
SELECT r.rank, r.appid, r.name, round(r.score::numeric, 3) AS score, r.reason
  FROM chosen CROSS JOIN LATERAL steam_rec.recommend(chosen.user_steam_id, k => 5) AS r"

show "A visitor with no account who likes Portal 2: strategy games only" "
SELECT rank, appid, name, reason
  FROM steam_rec.recommend_for_games(ARRAY(SELECT appid FROM steam_rec.catalog_cache WHERE name = 'Portal 2'),
                                     k => 5, include_tags => '{Strategy}')"

# On the real data a game with tags that nobody owns takes the last place (the
# built-in sample has no such game: the table is empty there).
show "The same player's list with one place kept for a new game (tags, no owners): steam_rec.new_game_slots" "
SET steam_rec.new_game_slots = 1;
WITH sizes AS (SELECT user_steam_id, count(*) AS games FROM steam_rec.user_games GROUP BY 1),
     chosen AS (SELECT user_steam_id FROM sizes WHERE games >= 10 ORDER BY games, user_steam_id
                LIMIT 1 OFFSET (SELECT count(*) / 2 FROM sizes WHERE games >= 10))
SELECT r.rank, r.appid, r.name, r.reason
  FROM chosen CROSS JOIN LATERAL steam_rec.recommend(chosen.user_steam_id, k => 5) AS r
 WHERE r.reason LIKE 'New %'"

# The real data with the standard protocol; the small sample with a shorter list.
show "Ranking quality, measured in the database (20% of each library held out; recall and NDCG at k)" "
WITH size AS (SELECT count(*) > 1000 AS real_data FROM steam_rec.users)
SELECT e.algorithm, CASE WHEN real_data THEN 20 ELSE 5 END AS k, round(e.recall::numeric, 4) AS recall,
       round(e.ndcg::numeric, 4) AS ndcg, round(e.hit_rate::numeric, 3) AS hit_rate, e.players,
       round(e.train_seconds::numeric, 1) AS train_seconds
  FROM size CROSS JOIN LATERAL steam_rec.evaluate(k => CASE WHEN real_data THEN 20 ELSE 5 END,
                                                  min_games => CASE WHEN real_data THEN 5 ELSE 2 END) AS e"

printf '\n## Maintenance: CALL steam_rec.maintain(), what pg_cron runs every night\n'
# A night's play: the first ten players played their games again.  With the
# retraining limit at one changed row, that is enough for a new model.
psql -X -q -d $DB -c "
UPDATE steam_rec.user_games SET playtime_hours = playtime_hours + 1.5, last_played = now()
 WHERE user_steam_id IN (SELECT steam_id FROM steam_rec.users ORDER BY steam_id LIMIT 10)"
psql -X -q -d $DB -A -t -c "SELECT 'retrain_changed_rows = ' || steam_rec.set_maintenance_setting('retrain_changed_rows', '1')"
psql -X -q -d $DB -c 'CALL steam_rec.maintain()' 2>&1 | grep -v '^CALL'
show "The maintenance log" "
SELECT id, status, decision, active_model_before AS model_before, active_model_after AS model_after,
       round(extract(epoch FROM finished_at - started_at)::numeric, 1) AS seconds, reason
  FROM steam_rec.maintenance_log ORDER BY id"
show "Its steps" "
SELECT s.step ->> 'step' AS step, s.step ->> 'rows' AS rows, s.step ->> 'seconds' AS seconds, s.step ->> 'detail' AS detail
  FROM steam_rec.maintenance_log AS l CROSS JOIN LATERAL jsonb_array_elements(l.steps) AS s(step)
 WHERE l.id = (SELECT max(id) FROM steam_rec.maintenance_log)"
show "model_report(): the model trained first, against the one maintain() activated" "
SELECT model_id, algorithm, training_rows, players, games, pg_size_pretty(size_bytes) AS size, compared_with,
       compared_players, round(top10_changed_share::numeric, 3) AS top10_changed,
       round(coverage::numeric, 3) AS coverage, round(active_coverage::numeric, 3) AS active_coverage,
       round(mean_popularity_rank::numeric, 1) AS popularity_rank, round(active_mean_popularity_rank::numeric, 1) AS active_popularity_rank
  FROM steam_rec.model_report((SELECT min(id) FROM steam_rec.models))"
psql -X -q -d $DB -A -t -c "SELECT 'retrain_changed_rows = ' || steam_rec.set_maintenance_setting('retrain_changed_rows', 'default')"

printf '\n## Migrations: downgrade to 1.0 (what 1.0 has no place for is stashed) and back\n'
before=$(psql -X -q -A -t -d $DB -c "SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM steam_rec.user_games AS t")
psql -X -q -d $DB -P footer=off -c "SELECT * FROM steam_rec.migrate('base')" 2>&1 | sed 's/^/  /'
psql -X -q -d $DB -P footer=off -c "SELECT item, count(*) FROM steam_rec.migration_stash GROUP BY item ORDER BY item"
psql -X -q -d $DB -P footer=off -c "SELECT * FROM steam_rec.migrate()"
after=$(psql -X -q -A -t -d $DB -c "SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM steam_rec.user_games AS t")
psql -X -q -d $DB -P footer=off -c "SELECT extversion, (SELECT count(*) FROM steam_rec.game_tags) AS tags_restored,
       (SELECT count(*) FROM steam_rec.game_stats) AS game_stats_restored,
       '$before' = '$after' AS user_games_identical
  FROM pg_extension WHERE extname = 'steam_rec'"

show "Migration status and history" "
SELECT installed_version, newest_version, library_version, sql_matches_library, pending_steps, warnings
  FROM steam_rec.migration_status()"
psql -X -q -d $DB -P pager=off -P footer=off -c "
SELECT id, from_version, to_version, direction, script, script_unchanged FROM steam_rec.migration_history()"
