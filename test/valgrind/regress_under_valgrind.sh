#!/usr/bin/env bash
# The pg_regress suite against a server running under valgrind (memcheck).
#
# Every backend of a throwaway cluster runs under valgrind; the regression
# tests run as usual (they must still pass), and then every memcheck error
# whose stack passes through our code fails the run.  Errors inside
# PostgreSQL itself (it is not built for valgrind here) are counted and shown
# but are not ours to fix.
#
#   test/valgrind/regress_under_valgrind.sh [TEST ...]   (default: the whole REGRESS list)
#
# Run as root (the server runs as the postgres user) after `tools/run build`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BINDIR=$(pg_config --bindir)
PORT=${VALGRIND_PORT:-5499}
WORK=$(mktemp -d /tmp/steam_rec_valgrind.XXXXXX)
chown postgres: "$WORK"
as_postgres() { runuser -u postgres -- "$@"; }

stop_server() {
  as_postgres "$BINDIR/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
}
trap stop_server EXIT

as_postgres "$BINDIR/initdb" -D "$WORK/data" -A trust >/dev/null
mkdir "$WORK/valgrind" && chown postgres: "$WORK/valgrind"

# Backends are forked, not exec'd: valgrind follows them without
# --trace-children; each process writes its own log.
as_postgres valgrind --quiet --tool=memcheck --error-limit=no --num-callers=40 \
  --leak-check=no --track-origins=no --read-inline-info=yes \
  --log-file="$WORK/valgrind/%p.log" \
  "$BINDIR/postgres" -D "$WORK/data" -p "$PORT" -k "$WORK" \
  -c listen_addresses= -c max_connections=20 -c jit=off \
  >"$WORK/server.log" 2>&1 &
server=$!

for _ in $(seq 1 300); do
  as_postgres "$BINDIR/pg_isready" -q -h "$WORK" -p "$PORT" && break
  kill -0 "$server" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 1
done
as_postgres "$BINDIR/pg_isready" -h "$WORK" -p "$PORT"

# pg_regress writes its results; give the postgres user a copy to run in.
cp -r "$ROOT" "$WORK/src" && chown -R postgres: "$WORK/src"
status=0
as_postgres make -s -C "$WORK/src" installcheck PGHOST="$WORK" PGPORT="$PORT" ISOLATION= \
  ${1:+REGRESS="setup $*"} || status=$?
if [ "$status" != 0 ]; then
  cat "$WORK/src/build/regress/regression.diffs" 2>/dev/null | head -100 || true
fi
stop_server
trap - EXIT

python3 "$ROOT/test/valgrind/memcheck_report.py" "$WORK/valgrind" || status=$?
echo "logs kept in $WORK"
exit "$status"
