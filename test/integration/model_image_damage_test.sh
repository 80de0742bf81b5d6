#!/usr/bin/env bash
# model_image_damage: the model image file is a cache of the model tables.
# Corrupted, truncated, deleted, replaced by another model's image, left
# half-written by a crashed builder, or impossible to write (permission,
# disk full): the next call in a backend that was serving rebuilds the file
# or serves from memory, always with the same lists, and never crashes.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
source "$root/test/integration/model_image_helpers.sh"
db=steam_rec_image_damage
dir=
mounted=
cleanup() {
  [ -n "$mounted" ] && umount "$dir" 2>/dev/null || true
  [ -n "$dir" ] && chmod 700 "$dir" 2>/dev/null || true
  psql -X -q -d $db -c "SET steam_rec.allow_drop = on; DROP EXTENSION IF EXISTS steam_rec CASCADE" >/dev/null 2>&1 || true
  dropdb --if-exists $db 2>/dev/null || true
}
trap cleanup EXIT

make_trained_db $db
dir=$(image_dir)
expected=$(psql_value $db "$lists_sql")
file=$(image_file $db)
assert_true "the active model is served from a file under the data directory" "[ -f '$file' ]"
chown postgres: "$dir" 2>/dev/null || true

# One backend serves, then its image is damaged (its header, one byte of its
# body, its length); each next call (same backend) must give the same lists.
# Shell steps run between the calls.
session_output=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d $db 2>&1 <<SQL
$lists_sql;
SELECT served_from FROM steam_rec.model_image();
\! printf 'garbage!' | dd of='$file' bs=1 seek=300 conv=notrunc status=none
$lists_sql;
SELECT served_from || ' ' || builds FROM steam_rec.model_image();
\! printf '\\001' | dd of='$file' bs=1 seek=2100 conv=notrunc status=none
$lists_sql;
SELECT served_from || ' ' || builds FROM steam_rec.model_image();
\! truncate -s 200 '$file'
$lists_sql;
SELECT served_from || ' ' || builds FROM steam_rec.model_image();
\! rm -f '$file'
$lists_sql;
SELECT served_from || ' ' || builds FROM steam_rec.model_image();
SQL
)
# A deleted file stays intact for the backend mapping it: it keeps serving
# (builds 4); the next fresh backend rebuilds it (builds 5).
assert_equal "corrupt and truncated images are rebuilt, a deleted one still serves, with the same lists" \
  "$(printf '%s\nfile\n%s\nfile 2\n%s\nfile 3\n%s\nfile 4\n%s\nfile 4' "$expected" "$expected" "$expected" "$expected" "$expected")" \
  "$session_output"
assert_equal "a fresh backend rebuilds a deleted image" "$expected file 5" \
  "$(psql -X -q -A -t -d $db -c "$lists_sql" -c "SELECT served_from || ' ' || builds FROM steam_rec.model_image()" | tr '\n' ' ' | sed 's/ $//')"
assert_true "the rebuilt image is in place" "[ -f '$file' ]"

# Another model's image under this model's name is refused by its key.
other=$(mktemp -d)
psql_value $db "SELECT steam_rec.train('content')" >/dev/null
other_file=$(image_file $db)
cp "$other_file" "$other/other.img"
psql_value $db "SELECT steam_rec.activate_model(min(id)) FROM steam_rec.models" >/dev/null
file=$(image_file $db)
session_output=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d $db 2>&1 <<SQL
$lists_sql;
\! cp '$other/other.img' '$file.swap' && chown postgres: '$file.swap' && mv '$file.swap' '$file'
$lists_sql;
SQL
)
rm -rf "$other"
assert_equal "another model's image under this name is never served" "$(printf '%s\n%s' "$expected" "$expected")" \
  "$session_output"

# A builder killed mid-write leaves only its temporary file: never served,
# and removed by the next build.
rm -f "$file"
head -c 1000 /dev/urandom > "$file.2147480000.tmp"
chown postgres: "$file.2147480000.tmp"
assert_equal "a crashed builder's temporary file is never served" "$expected" "$(psql_value $db "$lists_sql")"
assert_true "and the next build removes it" "[ ! -e '$file.2147480000.tmp' ]"

# The directory cannot be written: the image is served from memory.
rm -f "$file"
chmod 500 "$dir"
assert_equal "an unwritable image directory serves from memory with the same lists" \
  "$(printf '%s\nmemory' "$expected")" \
  "$(psql -X -q -A -t -d $db -c "$lists_sql" -c "SELECT served_from FROM steam_rec.model_image()")"
chmod 700 "$dir"

# Disk full: a tiny tmpfs over the image directory (needs root; skipped otherwise).
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=4k,mode=700 steam_rec_full "$dir" 2>/dev/null; then
  mounted=yes
  chown postgres: "$dir"
  assert_equal "a full disk serves from memory with the same lists" "$(printf '%s\nmemory' "$expected")" \
    "$(psql -X -q -A -t -d $db -c "$lists_sql" -c "SELECT served_from FROM steam_rec.model_image()")"
  assert_equal "and leaves no partial image behind" "" "$(find "$dir" -name '*.img' -o -name '*.tmp')"
  # The backend psql leaves may still be exiting, holding the files it
  # opened there: the unmount waits for it (up to 10 s).
  for _ in $(seq 50); do umount "$dir" 2>/dev/null && break; sleep 0.2; done
  assert_true "the full disk is unmounted once its last backend ended" "! mountpoint -q '$dir'"
  mounted=
else
  echo "skip a full disk (needs root to mount a tmpfs)"
fi
assert_equal "with room again the next backend writes and maps the file" "file" \
  "$(served $db served_from)"
