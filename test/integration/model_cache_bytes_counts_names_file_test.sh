#!/usr/bin/env bash
# model_cache_bytes_counts_names_file: a serving backend maps the names file
# (catalog_names_file.hpp) beside the model image, and model_cache_bytes()
# reports both as shared bytes: shared_bytes = the image file + the names file.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
source "$root/test/integration/model_image_helpers.sh"
db=steam_rec_cache_bytes_names
cleanup() {
  psql -X -q -d $db -c "SET steam_rec.allow_drop = on; DROP EXTENSION IF EXISTS steam_rec CASCADE" >/dev/null 2>&1 || true
  dropdb --if-exists $db 2>/dev/null || true
}
trap cleanup EXIT

make_trained_db $db
dir=$(image_dir)
dboid=$(psql_value $db "SELECT oid FROM pg_database WHERE datname = current_database()")

# One backend: a call (which maps the image and the names file), then what it reports.
report=$(psql -X -q -A -t -F ' ' -v ON_ERROR_STOP=1 -d $db \
  -c "SELECT count(*) FROM steam_rec.recommend(1, k => 5)" \
  -c "SELECT c.shared_bytes, i.file_bytes, c.private_bytes FROM steam_rec.model_cache_bytes() AS c, steam_rec.model_image() AS i" |
  tail -n 1)
read -r shared image private <<<"$report"
names=$(ls "$dir" | grep "^${dboid}_names_.*\.names$" | head -n 1)
assert_true "the call left a names file" "[ -n '$names' ]"
names_bytes=$(stat -c %s "$dir/$names")
assert_equal "shared_bytes is the image file plus the names file" "$((image + names_bytes))" "$shared"
assert_true "private_bytes still counts the scratch" "[ $private -gt 0 ]"

# Before its first call a backend serves nothing and maps nothing.
assert_equal "a fresh backend reports nothing" "0 0" \
  "$(psql -X -q -A -t -F ' ' -d $db -c "SELECT shared_bytes, private_bytes FROM steam_rec.model_cache_bytes()")"
