#!/usr/bin/env bash
# A lint of the extension scripts in migrations/: the rules that keep
# CREATE EXTENSION and ALTER EXTENSION safe and reversible.
# MIGRATIONS_DIR points it at another folder (the lint's own self-test does).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "${MIGRATIONS_DIR:-$root/migrations}"

failures=0
fail() { echo "FAIL $*" >&2; failures=$((failures + 1)); }

for script in steam_rec--*.sql; do
  # SQL without comments, to look at statements only.
  code=$(sed -e 's/--.*$//' "$script")

  # 1. The guard against running the script through psql.
  first=$(awk '!/^[[:space:]]*(--.*)?$/ { print; exit }' "$script")
  [[ "$first" == '\echo Use "'*'steam_rec'*'" to load this file. \quit' ]] ||
    fail "$script: the first statement is not the \\echo ... \\quit guard"

  # 2. No DROP ... CASCADE: a script drops exactly what it names.
  if grep -i -q -E '\bdrop\b[^;]*\bcascade\b' <<<"$code"; then
    fail "$script: uses DROP ... CASCADE"
  fi

  # 3. No CREATE OR REPLACE: it would take over an object a user created first.
  # The one exception: an update step may replace a function another script
  # creates, i.e. one that is already a member of the extension (PostgreSQL
  # refuses to let an extension script replace a function that is not), which
  # keeps its grants and comment where DROP and CREATE would lose them.
  while read -r replaced; do
    [ -n "$replaced" ] || continue
    name=$(grep -o -i -E 'function\s+steam_rec\.[a-z_0-9]+' <<<"$replaced" | sed -E 's/.*steam_rec\.//I' || true)
    if [[ "$script" != *--*--* || -z "$name" ]] ||
       ! grep -l -i -E "^create\s+function\s+steam_rec\.$name\(" steam_rec--*.sql | grep -q -v -x "$script"; then
      fail "$script: uses CREATE OR REPLACE"
    fi
  done < <(grep -i -E 'create\s+or\s+replace' <<<"$code" || true)

  # 4. Every new table, and the identity sequences of its columns, is marked for pg_dump.
  for table in $(grep -o -i -E 'create table steam_rec\.[a-z_]+' <<<"$code" | awk -F. '{print $2}'); do
    grep -q "pg_extension_config_dump('steam_rec.$table'" "$script" ||
      fail "$script: table steam_rec.$table is not marked with pg_extension_config_dump"
    table_body=$(awk -v t="steam_rec.$table" 'index($0, "CREATE TABLE " t " ") {on=1} on {print} on && /^\);/ {exit}' "$script")
    for column in $(grep -i -E 'generated (by default|always) as identity' <<<"$table_body" | awk '{print $1}'); do
      grep -q "pg_extension_config_dump('steam_rec.${table}_${column}_seq'" "$script" ||
        fail "$script: identity sequence steam_rec.${table}_${column}_seq is not marked for pg_dump"
    done
  done

  # 5. Schema-qualified: every created object lives in schema steam_rec.
  unqualified=$(grep -i -E '\bcreate\s+(table|function|index|trigger|view|sequence)\b' <<<"$code" |
                grep -v -i -E 'steam_rec\.|create trigger [a-z_]+' || true)
  if [ -n "$unqualified" ]; then
    fail "$script: creates an object without the steam_rec schema"
  fi

  # 6. Every step has its way back, and records itself in the history.
  version=${script#steam_rec--}
  version=${version%.sql}
  if [[ "$version" == *--* ]]; then
    from=${version%%--*}
    to=${version##*--}
    [ -f "steam_rec--$to--$from.sql" ] || fail "$script: no downgrade step steam_rec--$to--$from.sql"
    grep -q "SELECT steam_rec._log_migration('$from', '$to');" "$script" ||
      fail "$script: does not end by logging the step ($from -> $to)"
  else
    grep -q "SELECT steam_rec._log_migration(NULL, '$version');" "$script" ||
      fail "$script: does not log the install of $version"
  fi
done

# 7. The control file's default version has a script path from the base.
default=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$root/steam_rec.control")
ls steam_rec--*--"$default".sql >/dev/null 2>&1 || [ -f "steam_rec--$default.sql" ] ||
  fail "steam_rec.control: no script reaches the default version $default"

if [ $failures -gt 0 ]; then
  echo "$failures lint failure(s)" >&2
  exit 1
fi
count=$(find . -maxdepth 1 -name 'steam_rec--*.sql' | wc -l)
echo "ok   $count extension scripts pass the lint"
