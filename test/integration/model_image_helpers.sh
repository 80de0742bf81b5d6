# Shared by the model_image_*_test.sh tests: a small database with a trained
# model, and helpers that read what a backend serves.  Source it after
# test/lib/assert.sh.

# make_trained_db DB: two clusters of 40 games each (strategy, shooters) with
# tags, 200 players, and an itemknn model active.
make_trained_db() {
  dropdb --if-exists "$1" 2>/dev/null || true
  createdb "$1"
  psql_in "$1" <<'SQL'
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 80) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT g, CASE WHEN g <= 40 THEN 'Strategy' ELSE 'FPS' END, 1 FROM generate_series(1, 80) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name, position) SELECT g, 'Tag ' || (g % 7), 2 FROM generate_series(1, 80) AS g;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 200) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, (p * g) % 50 + 1 FROM generate_series(1, 200) AS p, generate_series(1, 80) AS g
 WHERE (p <= 100) = (g <= 40) AND (p * 7 + g * 13) % 5 = 0;
SELECT steam_rec.train('itemknn');
SQL
}

# The SQL whose one value fingerprints what the active model serves: lists
# for players, a visitor and a game, with reasons.
lists_sql="SELECT md5(string_agg(l, ';')) FROM (
  SELECT format('%s %s %s %s', p, r.appid, r.score, r.reason) AS l
    FROM generate_series(1, 200, 7) AS p, LATERAL steam_rec.recommend(p, k => 5) AS r
  UNION ALL SELECT format('v %s %s', appid, reason) FROM steam_rec.recommend_for_games('{1,2,41}', k => 5)
  UNION ALL SELECT format('s %s', appid) FROM steam_rec.similar_games(3, k => 5)
  UNION ALL SELECT format('t %s', appid) FROM steam_rec.recommend(1, k => 3, include_tags => '{fps}')) AS x"

# image_dir: where the server keeps model images.
image_dir() { echo "$(psql_value postgres 'SHOW data_directory')/steam_rec"; }

# served DB COLUMN: a column of model_image() in a new backend after one call.
served() {
  psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "SELECT count(*) FROM steam_rec.recommend(1, k => 1)" \
    -c "SELECT $2 FROM steam_rec.model_image()" | tail -n 1
}

# image_file DB: the path of the image the active model is served from.
image_file() { echo "$(image_dir)/$(served "$1" file)"; }
