#!/usr/bin/env bash
# The migration lint fails on each kind of violation it is meant to catch.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../lib/assert.sh"
work=$(mktemp -d -t steam_rec_lint.XXXXXX)
trap 'rm -rf "$work"' EXIT

lint_fails_with() {  # lint_fails_with WHAT EXPECTED-MESSAGE: run on $work, expect that failure
  local output
  if output=$(MIGRATIONS_DIR="$work" "$here/lint_migrations_test.sh" 2>&1); then
    echo "FAIL the lint accepted: $1" >&2
    exit 1
  fi
  assert_true "the lint catches $1" "grep -q -- '$2' <<<\"\$output\""
}

fresh_copy() { rm -rf "$work"/*; cp "$here"/../../migrations/steam_rec--*.sql "$work"/; }

fresh_copy
MIGRATIONS_DIR="$work" "$here/lint_migrations_test.sh" >/dev/null
sed -i '/^\\echo/d' "$work/steam_rec--1.0--1.1.sql"
lint_fails_with "a missing \\echo guard" 'guard'

fresh_copy
echo 'DROP TABLE steam_rec.game_stats CASCADE;' >> "$work/steam_rec--1.2--1.1.sql"
lint_fails_with "DROP ... CASCADE" 'CASCADE'

fresh_copy
echo 'CREATE OR REPLACE FUNCTION steam_rec.f() RETURNS int LANGUAGE sql RETURN 1;' >> "$work/steam_rec--1.1--1.2.sql"
lint_fails_with "CREATE OR REPLACE" 'CREATE OR REPLACE'

fresh_copy
sed -i "/pg_extension_config_dump('steam_rec.game_stats'/d" "$work/steam_rec--1.1--1.2.sql"
lint_fails_with "a table not marked for pg_dump" 'steam_rec.game_stats is not marked'

fresh_copy
sed -i "/pg_extension_config_dump('steam_rec.game_tags_id_seq'/d" "$work/steam_rec--1.0--1.1.sql"
lint_fails_with "an identity sequence not marked for pg_dump" 'game_tags_id_seq is not marked'

fresh_copy
rm "$work/steam_rec--1.2--1.1.sql"
lint_fails_with "an upgrade without its downgrade" 'no downgrade step'

fresh_copy
sed -i "/_log_migration('1.1', '1.2')/d" "$work/steam_rec--1.1--1.2.sql"
lint_fails_with "a step that does not log itself" 'does not end by logging'
