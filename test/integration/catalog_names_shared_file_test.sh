#!/usr/bin/env bash
# catalog_names_shared_file: game names are served from one file per catalog
# state shared by every backend.  Fresh backends reuse the file; a rename, a
# rename made while the counting trigger was off, a truncated catalog and a
# name over 4 KiB are served as the catalog holds them; a corrupt, truncated
# or deleted file, or a build another process holds up, costs a rebuild or a
# read of the rows, never a wrong name.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
source "$root/test/integration/model_image_helpers.sh"
db=steam_rec_names_file
holder=
cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null || true
  psql -X -q -d $db -c "SET steam_rec.allow_drop = on; DROP EXTENSION IF EXISTS steam_rec CASCADE" >/dev/null 2>&1 || true
  dropdb --if-exists $db 2>/dev/null || true
  dropdb --if-exists ${db}_dropped 2>/dev/null || true
}
trap cleanup EXIT

# The names file of a database dropped since is removed by the next build.
make_trained_db ${db}_dropped
gone=$(psql_value ${db}_dropped "SELECT oid FROM pg_database WHERE datname = current_database()")
psql_value ${db}_dropped "SELECT count(*) FROM steam_rec.recommend(1, k => 1)" >/dev/null
psql -X -q -d ${db}_dropped -c "SET steam_rec.allow_drop = on; DROP EXTENSION steam_rec CASCADE" >/dev/null
dropdb ${db}_dropped

make_trained_db $db
dir=$(image_dir)
dboid=$(psql_value $db "SELECT oid FROM pg_database WHERE datname = current_database()")

# Rows whose name differs from the catalog's, out of all rows of lists of
# three kinds; and the reasons, whose names come from the same lookup.
wrong_sql="SELECT count(*) FILTER (WHERE r.name IS DISTINCT FROM c.name) || '/' || count(*)
  FROM (SELECT appid, name FROM generate_series(1, 200, 7) AS p, LATERAL steam_rec.recommend(p, k => 5)
        UNION ALL SELECT appid, name FROM steam_rec.recommend_for_games('{1,2,41}', k => 5)
        UNION ALL SELECT appid, name FROM steam_rec.similar_games(3, k => 5)) AS r
  LEFT JOIN steam_rec.catalog_cache AS c USING (appid)"
reasons_sql="SELECT string_agg(DISTINCT substring(reason from 'to ([A-Za-z]+) '), ',')
  FROM steam_rec.recommend_for_games('{1,2,41}', k => 5)"
names_files() { ls "$dir" | grep -c "^${dboid}_names_.*\.names$" || true; }
names_file() { ls "$dir" | grep "^${dboid}_names_.*\.names$" | head -n 1; }
all=$(psql_value $db "$wrong_sql")
total=${all#*/}

assert_equal "a fresh backend names every game as the catalog does" "0/$total" "$all"
assert_equal "and leaves one names file" 1 "$(names_files)"
first=$(stat -c %i "$dir/$(names_file)")
assert_equal "the names file of a dropped database is gone" 0 \
  "$(ls "$dir" | grep -c "^${gone}_names" || true)"
assert_equal "another fresh backend names them alike" "0/$total" "$(psql_value $db "$wrong_sql")"
assert_equal "from the same file, not a new one" "$first" "$(stat -c %i "$dir/$(names_file)")"

psql_value $db "UPDATE steam_rec.catalog_cache SET name = 'Renamed ' || appid" >/dev/null
assert_equal "a committed rename is served by the next fresh backend" "0/$total" "$(psql_value $db "$wrong_sql")"
assert_equal "in its reasons too" "Renamed" "$(psql_value $db "$reasons_sql")"
assert_equal "the old state's file is removed" 1 "$(names_files)"

# Names changed while the counting trigger was off leave the count as it
# was; the trigger's new version tells the state apart.
psql_in $db <<'SQL'
ALTER TABLE steam_rec.catalog_cache DISABLE TRIGGER catalog_cache_count_changes;
UPDATE steam_rec.catalog_cache SET name = 'Quiet ' || appid;
ALTER TABLE steam_rec.catalog_cache ENABLE ALWAYS TRIGGER catalog_cache_count_changes;
SQL
assert_equal "a rename made with the trigger off is served once it is back on" "0/$total" \
  "$(psql_value $db "$wrong_sql")"
assert_equal "in its reasons too" "Quiet" "$(psql_value $db "$reasons_sql")"

# One backend serving while its file is damaged in place, truncated and
# deleted; shell steps run between its calls.
file="$dir/$(names_file)"
session=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d $db 2>&1 <<SQL
$wrong_sql;
\! printf 'garbage!' | dd of='$file' bs=1 seek=100 conv=notrunc status=none
$wrong_sql;
\! truncate -s 60 '$file'
$wrong_sql;
\! rm -f '$file'
$wrong_sql;
SQL
)
assert_equal "a damaged, truncated or deleted file never gives a wrong name" \
  "$(printf '0/%s\n0/%s\n0/%s\n0/%s' "$total" "$total" "$total" "$total")" "$session"
assert_equal "a fresh backend after that names them alike" "0/$total" "$(psql_value $db "$wrong_sql")"
assert_true "and the file is back" "[ -f '$file' ]"
printf 'garbage!' | dd of="$file" bs=1 seek=100 conv=notrunc status=none
assert_equal "a fresh backend refuses a damaged file" "0/$total" "$(psql_value $db "$wrong_sql")"
assert_equal "and rebuilds it" 0 "$(cmp -s "$file" - < /dev/null; grep -c 'garbage!' "$file" || true)"

# A name over 4 KiB is not stored in the file, and is still returned whole.
psql_value $db "UPDATE steam_rec.catalog_cache SET name = repeat('Long', 5000) WHERE appid = 41" >/dev/null
assert_equal "a name over 4 KiB is served whole" "20000" \
  "$(psql_value $db "SELECT length(name) FROM steam_rec.recommend_for_games('{41}', k => 80) AS r
                       JOIN steam_rec.catalog_cache USING (appid, name) WHERE appid = 41
                     UNION ALL SELECT length(name) FROM steam_rec.similar_games(42, k => 80) WHERE appid = 41 LIMIT 1")"
assert_equal "with every other name" "0/$total" "$(psql_value $db "$wrong_sql")"
assert_true "and the file stays small" "[ $(stat -c %s "$dir/$(names_file)") -lt 8192 ]"

# A truncated catalog has no names.
psql_value $db "TRUNCATE steam_rec.catalog_cache CASCADE" >/dev/null
assert_equal "after TRUNCATE no game has a name" "0" \
  "$(psql_value $db "SELECT count(name) FROM steam_rec.recommend_for_games('{1,2,41}', k => 5)")"
psql_value $db "INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Back ' || g FROM generate_series(1, 80) AS g" >/dev/null
assert_equal "refilled, names are back" "0/$total" "$(psql_value $db "$wrong_sql")"

# A build held up by another process: the call reads the rows itself.
psql_value $db "UPDATE steam_rec.catalog_cache SET name = 'Waiting ' || appid" >/dev/null
before=$(names_file)
flock -o "$dir/${dboid}_names.lock" sleep 30 &
holder=$!
sleep 0.5
assert_equal "while another process builds, names come from the rows" "0/$total" "$(psql_value $db "$wrong_sql")"
assert_equal "in the reasons too" "Waiting" "$(psql_value $db "$reasons_sql")"
assert_equal "and no file was written" "$before" "$(names_file)"
kill "$holder"
wait "$holder" 2>/dev/null || true
holder=
assert_equal "once it is done, the next backend builds the file" "0/$total" "$(psql_value $db "$wrong_sql")"
assert_true "for the new state" "[ '$(names_file)' != '$before' ]"
# Removing an unheld lock would let a backend that opened it before the
# removal and one that creates it after build at once.
psql_value $db "SELECT steam_rec.train('content')" >/dev/null
psql_value $db "SELECT count(*) FROM steam_rec.recommend(1)" >/dev/null  # builds the new model's image, then cleans up
assert_true "the new model's image cleanup leaves the names lock" "[ -e '$dir/${dboid}_names.lock' ]"
