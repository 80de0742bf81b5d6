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

# Stamps name the machine's boot: images are not fsynced by their writer,
# so after a machine crash a file's bytes may not be those a stamp of the
# boot before vouched for.  A stamp that matches the file in every other part
# but was left in another boot, or before stamps named the boot, vouches for
# nothing: the changed file is refused and rebuilt.
# fake_stamp BOOT: a stamp of the file as it is now, in BOOT ("" for the
# format without a boot).
fake_stamp() {
  local device inode size seconds nanoseconds
  read -r device inode size seconds <<<"$(stat -c '%d %i %s %Z' "$file")"
  nanoseconds=$(stat -c '%z' "$file" | sed 's/.*\.\([0-9]*\) .*/\1/')
  touch "$dir/$name.checked-${1:+$1-}$(printf '%x-%x' "$device" "$inode")-$size-$seconds.$nanoseconds"
}
other_boot=00000000-0000-0000-0000-000000000000
byte=$(od -An -tu1 -j 900 -N 1 "$file" | tr -d ' ')
printf "\\$(printf '%03o' $(( byte ^ 1 )))" | dd of="$file" bs=1 seek=900 conv=notrunc status=none
fake_stamp "$other_boot"
fake_stamp ""
assert_equal "stamps of another boot do not vouch for a changed file: it is refused and rebuilt" \
  "$expected file 3" \
  "$(psql -X -q -A -t -d $db -c "$lists_sql" -c "SELECT served_from || ' ' || builds FROM steam_rec.model_image()" | tr '\n' ' ' | sed 's/ $//')"

# The backend that stamps a file removes its stamps of other boots.
sleep 2.5
fake_stamp "$other_boot"
assert_equal "a fresh backend serves the same lists" "$expected" "$(psql_value $db "$lists_sql")"
assert_equal "it left its own stamp and removed the other boot's" \
  "1 0" "$(stamps) $(ls "$dir" | grep -c "^$name\.checked-$other_boot" || true)"
assert_equal "its stamp names this boot" "1" \
  "$(ls "$dir" | grep -c "^$name\.checked-$(cat /proc/sys/kernel/random/boot_id)-" || true)"
# fake_stamp makes the very name the server does: one for this boot is the
# stamp just left, not a second one.
fake_stamp "$(cat /proc/sys/kernel/random/boot_id)"
assert_equal "a stamp made by hand for this boot is the server's own" "1" "$(stamps)"
