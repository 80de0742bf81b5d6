#!/usr/bin/env bash
# steam_rec.migration_plan_sql() writes the plan as a script that psql runs as
# it is, as `alembic upgrade --sql | psql` does: piped into psql it moves the
# extension to the target (here down to the base version), every row of the
# tables kept, and the objects stay members of the extension.  (The raw
# scripts of migration_plan() start with \echo ... \quit and cannot.)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"

db=steam_rec_plan_sql
dropdb --if-exists $db >/dev/null 2>&1
createdb $db
trap 'dropdb --if-exists $db >/dev/null 2>&1' EXIT
psql_in $db <<'SQL'
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) SELECT 76561197960265728 + n, 'player_' || n
  FROM generate_series(1, 50) AS n;
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT appid, 'Game ' || appid FROM generate_series(1, 30) AS appid;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT 76561197960265728 + p, appid, p * appid % 13 FROM generate_series(1, 50) AS p, generate_series(1, 30) AS appid
 WHERE (p + appid) % 4 = 0;
SQL
rows_sql="SELECT format('users %s, catalog_cache %s, user_games %s/%s',
                 (SELECT count(*) FROM steam_rec.users), (SELECT count(*) FROM steam_rec.catalog_cache),
                 (SELECT count(*) FROM steam_rec.user_games),
                 (SELECT md5(string_agg(format('%s %s %s', user_steam_id, appid, playtime_hours), ','
                                        ORDER BY user_steam_id, appid)) FROM steam_rec.user_games))"
before=$(psql_value $db "$rows_sql")
newest=$(psql_value $db "SELECT extversion FROM pg_extension WHERE extname = 'steam_rec'")
base=$(psql_value $db "SELECT steam_rec._resolve_target('base')")

script=$(psql_value $db "SELECT steam_rec.migration_plan_sql('base')")
assert_true "the script updates through ALTER EXTENSION, one statement per step" \
  "[ \$(grep -c '^ALTER EXTENSION steam_rec UPDATE TO' <<<\"\$script\") -eq \$(psql_value $db \"SELECT count(*) FROM steam_rec.migration_plan('base')\") ]"
assert_true "every other line is a comment or a psql/transaction command" \
  "! grep -v -E '^(--|ALTER EXTENSION steam_rec UPDATE TO|\\\\set ON_ERROR_STOP on\$|BEGIN;\$|COMMIT;\$|\$)' <<<\"\$script\""

psql -X -q -d $db <<<"$script" >/dev/null
assert_equal "piped into psql, the script moved $newest to $base" "$base" \
  "$(psql_value $db "SELECT extversion FROM pg_extension WHERE extname = 'steam_rec'")"
assert_equal "no row was lost" "$before" "$(psql_value $db "$rows_sql")"
assert_equal "no object of steam_rec's schema was left outside the extension" "0" "$(psql_value $db "
  SELECT count(*) FROM pg_class AS c
   WHERE c.relnamespace = 'steam_rec'::regnamespace AND c.relkind IN ('r', 'v', 'S', 'f', 'p')
     AND NOT EXISTS (SELECT FROM pg_depend AS d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                                  AND d.deptype = 'e')")"

psql_value $db "ALTER EXTENSION steam_rec UPDATE" >/dev/null
assert_equal "back at $newest, every row is there" "$before" "$(psql_value $db "$rows_sql")"
assert_equal "at the target already, the script does nothing" "1" \
  "$(psql_value $db "SELECT steam_rec.migration_plan_sql('head')" | grep -c 'Nothing to do')"
