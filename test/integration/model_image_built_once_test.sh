#!/usr/bin/env bash
# model_image_built_once: a model's image is built once per activation per
# server, not once per backend: 16 backends starting together after an
# activation share one build and one valid file, and all serve the same lists.
# The previous model's image is removed.  DROP / CREATE EXTENSION and a dump
# restored into another database each get an image of their own (its key
# holds the database and the models table), never the stale one.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
source "$root/test/integration/model_image_helpers.sh"
db=steam_rec_image_once
restored=steam_rec_image_once_restored
dump=$(mktemp -t steam_rec_image_dump.XXXXXX)
work=$(mktemp -d)
drop_db() {
  psql -X -q -d "$1" -c "SET steam_rec.allow_drop = on; DROP EXTENSION IF EXISTS steam_rec CASCADE" >/dev/null 2>&1 || true
  dropdb --if-exists "$1" 2>/dev/null || true
}
trap 'rm -rf "$dump" "$work"; drop_db $db; drop_db $restored' EXIT

make_trained_db $db
dir=$(image_dir)
expected=$(psql_value $db "$lists_sql")

# starts N: N backends at once, each serving the lists and saying what it served from.
starts() {
  for i in $(seq 1 "$1"); do
    psql -X -q -A -t -d $db -c "$lists_sql" -c "SELECT served_from || ' ' || builds FROM steam_rec.model_image()" \
      > "$work/backend.$i" 2>&1 &
  done
  wait
  sort -u "$work"/backend.* | tr '\n' '|'
}

psql_value $db "SELECT steam_rec.train('itemknn')" >/dev/null  # a new activation: no image yet
first=$(image_file $db)
rm -f "$first"  # the backend of image_file built it; start from nothing again
psql_value $db "SELECT steam_rec.train('itemknn')" >/dev/null
assert_equal "16 backends starting together share one build" "$expected|file 1|" "$(starts 16)"
image=$(image_file $db)
assert_equal "one image file for the active model" "1" "$(ls "$dir" | grep -c "^$(basename "$image")\$")"
assert_true "the previous model's image was removed" "[ ! -e '$first' ]"
assert_equal "no temporary file is left" "0" "$(ls "$dir" | grep -c '\.tmp$' || true)"

psql_value $db "SELECT steam_rec.train('itemknn')" >/dev/null
assert_equal "the next activation is built once more" "$expected|file 1|" "$(starts 16)"
assert_true "and replaces the image" "[ ! -e '$image' ]"

# DROP and CREATE EXTENSION: the same model id may come back; the image key's
# models table does not.
psql_in $db <<'SQL'
CREATE TABLE public.saved_games AS SELECT * FROM steam_rec.user_games;
CREATE TABLE public.saved_tags AS SELECT * FROM steam_rec.game_tags;
CREATE TABLE public.saved_users AS SELECT * FROM steam_rec.users;
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) SELECT steam_id, username FROM public.saved_users;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 80) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name, position) SELECT appid, tag_name, position FROM public.saved_tags;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT user_steam_id, appid, playtime_hours FROM public.saved_games;
SELECT steam_rec.train('content');
SQL
reinstalled=$(image_file $db)
assert_true "after DROP and CREATE EXTENSION the image is another file" "[ '$reinstalled' != '$image' ]"
content=$(psql_value $db "$lists_sql")
assert_true "serving the new model's lists" "[ '$content' != '$expected' ]"

pg_dump -Fc -f "$dump" $db
createdb $restored
pg_restore --exit-on-error -d $restored "$dump"
restored_image=$(image_file $restored)
assert_true "a restored database gets an image of its own" \
  "[ '$(basename "$restored_image" | cut -d_ -f1)' = '$(psql_value $restored "SELECT oid FROM pg_database WHERE datname = current_database()")' ]"
assert_equal "serving the same lists as the source" "$content" "$(psql_value $restored "$lists_sql")"
assert_true "the source database's image is untouched" "[ -f '$reinstalled' ]"
