#!/usr/bin/env bash
# model_image_build_killed: a backend killed with SIGKILL while it writes a
# model image leaves at most its temporary file, which is never served: after
# the server's crash restart the next call builds a valid image, serves the
# same lists as before, and the build removes the temporary file.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
source "$root/test/faults/fault_helpers.sh"
db=steam_rec_image_killed

dropdb --if-exists $db 2>/dev/null || true
createdb $db
# 30,000 tagged games: an image of tens of MiB, so writing it takes a while.
psql_in $db <<'SQL'
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 30000) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT g, 'Tag ' || ((g * 7 + i * 131) % 300), i FROM generate_series(1, 30000) AS g, generate_series(1, 8) AS i
ON CONFLICT DO NOTHING;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 2000) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, 1 + (p * 7919 + i * 104729) % 30000, 1 + i FROM generate_series(1, 2000) AS p, generate_series(1, 12) AS i
ON CONFLICT DO NOTHING;
SELECT steam_rec.refresh_engagement();
SELECT steam_rec.train('content');
SQL
lists_sql="SELECT md5(string_agg(format('%s %s %s', p, r.appid, r.reason), ';'))
             FROM generate_series(1, 2000, 97) AS p, LATERAL steam_rec.recommend(p, k => 5) AS r"
expected=$(psql_value $db "$lists_sql")
dir="$(psql_value $db 'SHOW data_directory')/steam_rec"
file="$dir/$(psql -X -q -A -t -d $db -c "SELECT count(*) FROM steam_rec.recommend(1)" -c "SELECT file FROM steam_rec.model_image()" | tail -n 1)"
assert_true "the image is a file" "[ -f '$file' ]"

# A fresh backend waits in pg_sleep while strace attaches to it; strace holds
# the builder for 30 s right after it creates its temporary file, so the kill
# always lands in the middle of a build, however fast the machine writes.
# The server opens it by its name relative to the data directory, which
# strace -P matches as spelled.
rm -f "$file"
psql -X -q -d $db -c "SET application_name = 'image_builder'" -c "SELECT pg_sleep(600)" \
  -c "SELECT count(*) FROM steam_rec.recommend(1)" >/dev/null 2>&1 &
client=$!
builder=$(wait_until_running $db "SELECT pg_sleep(600)")
temporary="$file.$builder.tmp"
strace -q -p "$builder" -P "steam_rec/${temporary##*/}" -e trace=openat -e inject=openat:delay_exit=30000000 2>/dev/null &
tracer=$!
for _ in $(seq 1 100); do [ -d "/proc/$builder" ] && grep -q "^TracerPid:[[:space:]]*[1-9]" "/proc/$builder/status" && break; sleep 0.05; done
psql_value $db "SELECT pg_cancel_backend($builder)" >/dev/null  # ends the sleep; the recommend() call runs
killed=no
for _ in $(seq 1 200); do
  if [ -e "$temporary" ]; then kill -9 "$builder" && killed=yes; break; fi
  sleep 0.05
done
wait $client 2>/dev/null || true
kill "$tracer" 2>/dev/null || true
wait $tracer 2>/dev/null || true
wait_for_server $db
assert_equal "a builder was killed while it wrote the image" "yes" "$killed"
assert_true "the killed build left no image" "[ ! -e '$file' ]"
builds_log="${file%.img}.builds"
builds_before=$(cat "$builds_log" 2>/dev/null | wc -l)
assert_equal "the next call serves the same lists" "$expected" "$(psql_value $db "$lists_sql")"
# The killed build never finished, so it is not counted; the rebuild is.
assert_equal "from a valid image; the killed build does not count" "file $((builds_before + 1))" \
  "$(psql -X -q -A -t -d $db -c "SELECT count(*) FROM steam_rec.recommend(1)" -c "SELECT served_from || ' ' || builds FROM steam_rec.model_image()" | tail -n 1)"
assert_equal "and the killed builder's temporary file is gone" "" "$(ls "$dir" | grep '\.tmp$' || true)"
psql -X -q -d $db -c "SET steam_rec.allow_drop = on; DROP EXTENSION steam_rec" >/dev/null
dropdb $db
