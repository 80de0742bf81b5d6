#!/usr/bin/env bash
# model_image_checked_stamp: a fresh backend checks a model image whole (its
# checksum and every bound) only if no backend of the server has checked that
# very file before; later ones read just its header.  The stamp a whole check
# leaves is named after the file's identity, so a file written to afterwards
# (same name, same length, one byte changed) is checked whole again, refused
# and rebuilt: the lists stay the same and nothing unchecked is served.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
source "$root/test/integration/model_image_helpers.sh"
db=steam_rec_image_checked_stamp
cleanup() {
  psql -X -q -d $db -c "SET steam_rec.allow_drop = on; DROP EXTENSION IF EXISTS steam_rec CASCADE" >/dev/null 2>&1 || true
  dropdb --if-exists $db 2>/dev/null || true
}
trap cleanup EXIT

make_trained_db $db
dir=$(image_dir)
expected=$(psql_value $db "$lists_sql")
file=$(image_file $db)
name=$(basename "$file" .img)
stamps() { ls "$dir" | grep -c "^$name\.checked-" || true; }
assert_equal "a file checked right after its build is not stamped (its change time is too recent)" "0" "$(stamps)"

# Stamps are left only for files whose last change is a few seconds old.
sleep 2.5
assert_equal "a fresh backend checks the file whole and serves the same lists" "$expected" "$(psql_value $db "$lists_sql")"
assert_equal "and stamps it as checked" "1" "$(stamps)"
assert_equal "a fresh backend that finds the stamp serves the same lists" "$expected" "$(psql_value $db "$lists_sql")"
assert_equal "from the same file, built once" "file 1" "$(served $db "served_from || ' ' || builds")"

# One byte of the body changed in place: the length and the name stay, the
# stamp no longer matches the file, and the checksum refuses it.
byte=$(od -An -tu1 -j 900 -N 1 "$file" | tr -d ' ')
printf "\\$(printf '%03o' $(( byte ^ 1 )))" | dd of="$file" bs=1 seek=900 conv=notrunc status=none
assert_equal "a fresh backend refuses the changed file and rebuilds it, with the same lists" \
  "$expected file 2" \
  "$(psql -X -q -A -t -d $db -c "$lists_sql" -c "SELECT served_from || ' ' || builds FROM steam_rec.model_image()" | tr '\n' ' ' | sed 's/ $//')"
assert_equal "the rebuild removed the stamp of the file it replaced" "0" "$(stamps)"
