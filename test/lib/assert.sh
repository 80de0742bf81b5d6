# Small helpers for the shell integration tests.  Source it; it expects the
# libpq environment that pg_virtualenv sets.

psql_in() {  # psql_in DB: runs the SQL on stdin, stops at the first error
  psql -X -q -v ON_ERROR_STOP=1 -d "$1" >/dev/null
}

psql_value() {  # psql_value DB SQL: prints the single value the query returns
  psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}

assert_equal() {  # assert_equal WHAT EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then
    echo "ok   $1"
  else
    printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3" >&2
    exit 1
  fi
}

assert_true() {  # assert_true WHAT SHELL-CONDITION
  if eval "$2"; then echo "ok   $1"; else echo "FAIL $1 ($2)" >&2; exit 1; fi
}
