#!/usr/bin/env bash
# A dump taken at steam_rec 1.1, restored where CREATE EXTENSION would install
# a newer version: pg_restore stops with a clear error and the exact steps,
# and following those steps restores every row at 1.1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"

old_db=steam_rec_restore_old
new_db=steam_rec_restore_new
fixed_db=steam_rec_restore_fixed
dump=$(mktemp -t steam_rec_dump.XXXXXX)
errors=$(mktemp -t steam_rec_restore.XXXXXX)
cleanup() {
  rm -f "$dump" "$errors"
  for db in $old_db $new_db $fixed_db; do dropdb --if-exists $db 2>/dev/null; done
}
trap cleanup EXIT
cleanup

createdb $old_db
psql_in $old_db <<'SQL'
CREATE EXTENSION steam_rec VERSION '1.1';
INSERT INTO steam_rec.users (steam_id, username, country) SELECT n, 'player_' || n, 'SE' FROM generate_series(1, 20) AS n;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, g, p + g FROM generate_series(1, 20) AS p, generate_series(1, 5) AS g;
SQL
rows_sql="SELECT (SELECT count(*) FROM steam_rec.users) || '/' || (SELECT count(*) FROM steam_rec.user_games)"
pg_dump -Fc -f "$dump" $old_db

# The server's default version differs from the dump's (1.1).
newest=$(sed -n "s/^default_version = '\(.*\)'$/\1/p" "$(pg_config --sharedir)/extension/steam_rec.control")
createdb $new_db
if pg_restore --exit-on-error -d $new_db "$dump" 2>"$errors"; then
  echo "FAIL pg_restore of a 1.1 dump into a $newest install succeeded silently" >&2
  exit 1
fi
assert_true "pg_restore stops with a clear error naming both versions" \
  "grep -q 'the data being restored comes from steam_rec 1.1, but steam_rec $newest is installed' '$errors'"
assert_true "the error gives the steps" "grep -q 'CREATE EXTENSION steam_rec VERSION' '$errors'"

# The steps: install the dump's version first, then restore.
createdb $fixed_db
psql -X -q -d $fixed_db -c "CREATE EXTENSION steam_rec VERSION '1.1'"
pg_restore -d $fixed_db "$dump" 2>"$errors" || true
assert_true "the only complaints are that the schema and the extension exist" \
  "! grep -E 'ERROR' '$errors' | grep -v -E 'schema \"steam_rec\" already exists|extension \"steam_rec\" already exists'"
assert_equal "every row restored at 1.1" "$(psql_value $old_db "$rows_sql")" "$(psql_value $fixed_db "$rows_sql")"
assert_equal "still at the dump's version" "1.1" \
  "$(psql_value $fixed_db "SELECT extversion FROM pg_extension WHERE extname = 'steam_rec'")"
psql -X -q -d $fixed_db -c "ALTER EXTENSION steam_rec UPDATE"
assert_equal "and updates with every row" "$(psql_value $old_db "$rows_sql")" "$(psql_value $fixed_db "$rows_sql")"
