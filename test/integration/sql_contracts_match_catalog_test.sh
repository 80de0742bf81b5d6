#!/usr/bin/env bash
# Every SQL entry point reads its arguments by name through one declaration
# in src/pg/sql_contracts.cpp.  This installs every available version of the
# extension in turn and compares those declarations with pg_proc: each C
# function of the version has a declaration under its symbol and SQL name;
# each declared argument exists there with the same type (unless marked
# optional); each SQL input argument is declared.  Functions whose SQL names
# no argument are compared by position.  The library lists its declarations
# through steam_rec_contracts(), which only this test declares.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
db=contracts_match_catalog
dropdb --if-exists "$db" >/dev/null 2>&1
createdb "$db"
trap 'dropdb --if-exists "$db" >/dev/null' EXIT

psql_in "$db" <<'SQL'
CREATE SCHEMA contract_test;
CREATE FUNCTION contract_test.declared()
    RETURNS TABLE (symbol text, sql_name text, ordinal integer, name text, type regtype, optional boolean)
    LANGUAGE c AS '$libdir/steam_rec', 'steam_rec_contracts';

-- One row per disagreement between the library's declarations and the
-- C functions of the installed version.
CREATE FUNCTION contract_test.disagreements() RETURNS SETOF text LANGUAGE sql AS $$
    WITH functions AS (
        SELECT p.oid, p.prosrc AS symbol, p.proname::text AS sql_name, p.pronargs,
               p.proargnames IS NOT NULL AND EXISTS (SELECT FROM unnest(p.proargnames) AS n WHERE n <> '') AS named
          FROM pg_proc AS p JOIN pg_language AS l ON l.oid = p.prolang
         WHERE l.lanname = 'c' AND p.pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'steam_rec')),
    catalog AS (
        SELECT f.symbol, f.named, a.position::integer, a.type::regtype,
               nullif((SELECT array_agg(u.n ORDER BY u.o) FROM pg_proc AS p,
                              unnest(p.proargnames, p.proargmodes) WITH ORDINALITY AS u(n, m, o)
                        WHERE p.oid = f.oid AND (u.m IS NULL OR u.m IN ('i', 'b', 'v')))[a.position], '') AS name
          FROM functions AS f,
               unnest((SELECT p.proargtypes::oid[] FROM pg_proc AS p WHERE p.oid = f.oid))
                   WITH ORDINALITY AS a(type, position)),
    library AS (SELECT * FROM contract_test.declared() WHERE name IS NOT NULL)
    SELECT format('%s (steam_rec.%s) has no declaration in the library', f.symbol, f.sql_name)
      FROM functions AS f WHERE NOT EXISTS (SELECT FROM contract_test.declared() AS d WHERE d.symbol = f.symbol)
    UNION ALL
    SELECT format('%s is steam_rec.%s in SQL, the library declares steam_rec.%s', f.symbol, f.sql_name, d.sql_name)
      FROM functions AS f JOIN contract_test.declared() AS d ON d.symbol = f.symbol AND d.ordinal = 1
     WHERE d.sql_name <> f.sql_name
    UNION ALL
    -- Named SQL arguments: matched by name.
    SELECT format('%s: the library reads argument %s %s, SQL has %s', l.symbol, l.name, l.type,
                  coalesce(c.type::text, 'no such argument'))
      FROM library AS l JOIN functions AS f ON f.symbol = l.symbol AND f.named
      LEFT JOIN catalog AS c ON c.symbol = l.symbol AND c.name = l.name
     WHERE c.type IS DISTINCT FROM l.type AND NOT (c.type IS NULL AND l.optional)
    UNION ALL
    SELECT format('%s: SQL argument %s %s is not declared in the library', c.symbol, coalesce(c.name, '$' || c.position), c.type)
      FROM catalog AS c
     WHERE c.named AND NOT EXISTS (SELECT FROM library AS l WHERE l.symbol = c.symbol AND l.name = c.name)
    UNION ALL
    -- Unnamed SQL arguments: matched by position.
    SELECT format('%s: argument %s is %s in SQL, the library reads %s', coalesce(c.symbol, l.symbol),
                  coalesce(c.position, l.ordinal), coalesce(c.type::text, 'nothing'),
                  coalesce(l.name || ' ' || l.type, 'nothing'))
      FROM (SELECT * FROM catalog WHERE NOT named) AS c
      FULL JOIN (SELECT l.* FROM library AS l JOIN functions AS f ON f.symbol = l.symbol AND NOT f.named) AS l
        ON l.symbol = c.symbol AND l.ordinal = c.position
     WHERE c.type IS DISTINCT FROM l.type
     ORDER BY 1
$$;
SQL

versions=$(psql_value "$db" "SELECT version FROM pg_available_extension_versions WHERE name = 'steam_rec'
                              ORDER BY string_to_array(version, '.')::integer[]")
checked=0
for version in $versions; do
  problems=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION steam_rec VERSION '$version';
SELECT * FROM contract_test.disagreements();
SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;
SQL
)
  assert_equal "version $version: every C function's arguments match the library's declaration" "" "$problems"
  checked=$((checked + 1))
done
assert_true "checked every available version ($checked)" "[ $checked -ge 6 ]"
