#!/usr/bin/env bash
# model_image_corrupted_then_deleted: a backend serving from the image file
# keeps serving a deleted file (its mapping stays intact), but not one that
# was written before it was deleted: a backend that checked only whether the
# path still existed served the damaged bytes it maps.  The backend checks
# the file it holds open, and the next call rebuilds the image with the same
# lists.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
source "$root/test/integration/model_image_helpers.sh"
db=steam_rec_image_corrupted_deleted
cleanup() {
  psql -X -q -d $db -c "SET steam_rec.allow_drop = on; DROP EXTENSION IF EXISTS steam_rec CASCADE" >/dev/null 2>&1 || true
  dropdb --if-exists $db 2>/dev/null || true
}
trap cleanup EXIT

make_trained_db $db
expected=$(psql_value $db "$lists_sql")
file=$(image_file $db)
size=$(stat -c %s "$file")

# One backend serves; the second half of its image is zeroed in place (the
# header stays valid, so nothing out of bounds is read) and the file deleted;
# then the same backend serves again, and once more after a clean delete.
session_output=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d $db 2>&1 <<SQL
$lists_sql;
SELECT served_from || ' ' || builds FROM steam_rec.model_image();
\! dd if=/dev/zero of='$file' bs=1 seek=$((size / 2)) count=$((size - size / 2)) conv=notrunc status=none && rm -f '$file'
$lists_sql;
SELECT served_from || ' ' || builds FROM steam_rec.model_image();
\! rm -f '$file'
$lists_sql;
SELECT served_from || ' ' || builds FROM steam_rec.model_image();
SQL
)
assert_equal "an image written and then deleted is rebuilt, a cleanly deleted one still serves, with the same lists" \
  "$(printf '%s\nfile 1\n%s\nfile 2\n%s\nfile 2' "$expected" "$expected" "$expected")" \
  "$session_output"
