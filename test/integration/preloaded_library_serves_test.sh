#!/usr/bin/env bash
# preloaded_library_serves: with shared_preload_libraries = 'steam_rec' the
# server starts (the library's _PG_init only defines settings, it touches no
# catalog), every backend inherits the loaded library from the postmaster (its
# settings exist before any steam_rec call), and the extension behaves as
# without preloading: CREATE EXTENSION, training, serving the same lists in
# fresh backends, a new activation, DROP and CREATE EXTENSION.
# The cluster is created here, on a port of its own, and removed after.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
source "$root/test/integration/model_image_helpers.sh"
source "$root/test/lib/private_cluster.sh"
private_base "${TMPDIR:-/tmp}/steam_rec_preload.XXXXXX"
port=${STEAM_REC_PRELOAD_PORT:-5483}
private_cluster_create "$base/data" $port "shared_preload_libraries = 'steam_rec'"
private_cluster_start "$base/data" "$base/server.log"
export PGHOST=$base PGUSER=postgres PGPORT=$port

assert_equal "a fresh backend has the library's settings before any call" "steam_rec.max_threads" \
  "$(psql_value postgres "SELECT name FROM pg_catalog.pg_settings WHERE name = 'steam_rec.max_threads'")"
db=steam_rec_preloaded
make_trained_db $db
first=$(psql_value $db "$lists_sql")
assert_equal "a fresh backend serves the same lists" "$first" "$(psql_value $db "$lists_sql")"
assert_equal "it serves from the shared image" "file" "$(served $db served_from)"

psql_in $db <<'SQL'
SELECT steam_rec.train('popularity');
SQL
after=$(psql_value $db "$lists_sql")
assert_true "a new activation is served by the next fresh backend" '[ "$after" != "$first" ]'
assert_equal "and by the next one alike" "$after" "$(psql_value $db "$lists_sql")"

psql_in $db <<'SQL'
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
CREATE EXTENSION steam_rec;
SQL
assert_equal "after DROP and CREATE EXTENSION no model is served" "no trained model is active" \
  "$(psql -X -q -A -t -d $db -c "SELECT * FROM steam_rec.recommend(1)" 2>&1 | sed -n 's/^ERROR:  //p')"

as_postgres "$bin/pg_ctl" -D "$base/data" -m fast -w stop >/dev/null
assert_equal "no backend crashed" "0" "$(grep -c 'terminated by signal' "$base/server.log" || true)"
