#!/usr/bin/env bash
# model_image_long_data_directory: a server whose data directory's path is
# 995 bytes long (the server's own longest name in it, postgresql.auto.conf,
# still fits in its 1,024) serves from image and names files named in full,
# as one with a short path does: the files are named relative to the data
# directory, so no name of them is ever cut (cut, an image's name and its
# lock's were one file).  The cluster is created
# here, on a port of its own, and removed after.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
source "$root/test/integration/model_image_helpers.sh"
source "$root/test/lib/private_cluster.sh"
# Under /tmp whatever TMPDIR says: a path of known length, and a socket
# path well within its 107 bytes.
private_base /tmp/steam_rec_long.XXXXXX
port=${STEAM_REC_LONG_DIR_PORT:-5483}
# Directory names of 50 bytes, then one that brings the path to 990 bytes;
# the data directory "data" inside it.
long=$base
while [ $((${#long} + 51)) -lt 990 ]; do long="$long/$(head -c 50 /dev/zero | tr '\0' d)"; done
long="$long/$(head -c $((990 - ${#long} - 1)) /dev/zero | tr '\0' e)"
data="$long/data"
as_postgres mkdir -p "$long"

private_cluster_create "$data" $port
private_cluster_start "$data" "$base/server.log"
export PGHOST=$base PGUSER=postgres PGPORT=$port
assert_equal "the data directory's path is 995 bytes" "995" "$(psql_value postgres 'SHOW data_directory' | tr -d '\n' | wc -c)"

db=steam_rec_long_dir
make_trained_db $db
first_lists=$(psql_value $db "$lists_sql")
assert_equal "the first backend serves from the image file it built" "file 1" "$(served $db "served_from || ' ' || builds")"
file=$(served $db file)
assert_true "the image is under its whole name" "[ -f '$data/steam_rec/$file' ]"
assert_true "beside its lock and its build log" "[ -f '$data/steam_rec/${file%.img}.lock' ] && [ -f '$data/steam_rec/${file%.img}.builds' ]"
assert_equal "a fresh backend serves the same lists from it" "$first_lists" "$(psql_value $db "$lists_sql")"
assert_equal "built once" "file 1" "$(served $db "served_from || ' ' || builds")"
assert_true "the names file is there too" "ls '$data/steam_rec/' | grep -q '_names_.*\.names$'"
assert_true "and every file's name is whole" \
  "[ -z \"\$(ls '$data/steam_rec/' | grep -Ev '\.(img|lock|builds|names)$|\.checked-')\" ]"

psql_value $db "SELECT steam_rec.train('content')" >/dev/null
assert_equal "a new model is served from its own file" "file 1" "$(served $db "served_from || ' ' || builds")"
assert_true "under its whole name" "[ -f '$data/steam_rec/$(served $db file)' ]"
assert_true "and the old model's image is removed" "[ ! -e '$data/steam_rec/$file' ]"
assert_equal "the server log has no error" "" "$(grep -E 'ERROR|terminated by signal' "$base/server.log" || true)"
