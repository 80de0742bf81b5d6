# Helpers of the dump-and-restore tests: a source and a target database, the
# dump between them, and a fingerprint of chosen tables and sequences.
# Source after test/lib/assert.sh.

fresh_dump_databases() {  # fresh_dump_databases SOURCE TARGET: creates SOURCE; both and the dump go at exit
  dump_file=$(mktemp -t steam_rec_dump.XXXXXX)
  trap "rm -f '$dump_file'; dropdb --if-exists $1 2>/dev/null; dropdb --if-exists $2 2>/dev/null" EXIT
  dropdb --if-exists "$1" 2>/dev/null || true
  dropdb --if-exists "$2" 2>/dev/null || true
  createdb "$1"
}

dump_and_restore() {  # dump_and_restore SOURCE TARGET: pg_dump -Fc of SOURCE restored into a new TARGET
  pg_dump -Fc -f "$dump_file" "$1"
  createdb "$2"
  pg_restore --exit-on-error -d "$2" "$dump_file"
}

fingerprint_sql() {  # fingerprint_sql NAME...: SQL for "name:rows/md5" of each steam_rec table, "name:position" of each *_seq
  local name branches=()
  for name in "$@"; do
    if [[ $name == *_seq ]]; then
      branches+=("SELECT '$name' AS relname, last_value::text AS n FROM steam_rec.$name")
    else
      branches+=("SELECT '$name' AS relname, count(*) || '/' || md5(string_agg(t::text, ',' ORDER BY t::text)) AS n
                    FROM steam_rec.$name AS t")
    fi
  done
  local joined
  joined=$(printf '%s\n  UNION ALL ' "${branches[@]}")
  echo "SELECT string_agg(format('%s:%s', relname, n), ' ' ORDER BY relname) FROM (
  ${joined% UNION ALL }) AS facts"
}
