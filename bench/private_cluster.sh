#!/usr/bin/env bash
# Runs a command against a throwaway cluster started from the given bin dir.
#
#   bench/private_cluster.sh BINDIR [name=value ...] -- COMMAND ...
#
# pg_virtualenv only knows the system's install; a long benchmark on a private
# copy of the server (bench/run.sh with PG_CONFIG) needs its own cluster, on
# PGPORT (default 5570), with data in a new directory under BENCH_DATA (default
# /tmp), removed when the command ends.  Only that directory is removed: a
# BENCH_DATA given as a place with room (a scratch disk) keeps what it holds.
set -euo pipefail
bindir=$1
shift
settings=()
while [ "$1" != -- ]; do
  settings+=("$1")
  shift
done
shift

mkdir -p "${BENCH_DATA:-/tmp}"
data=$(mktemp -d "${BENCH_DATA:-/tmp}/steam_rec_bench.XXXXXX")
export PGPORT=${PGPORT:-5570} PGHOST=$data PGUSER=postgres PATH="$bindir:$PATH"
# initdb and the server refuse to run as root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop() {
  [ -f "$data/pg/postmaster.pid" ] && as_owner pg_ctl -D "$data/pg" -m fast -w stop >/dev/null || true
  rm -rf "$data"
}
trap stop EXIT  # set before initdb: a failed one leaves no directory either
[ "$(id -u)" = 0 ] && chown postgres "$data"
as_owner initdb -D "$data/pg" -A trust -U postgres >/dev/null
{
  echo "port = $PGPORT"
  echo "listen_addresses = ''"
  echo "unix_socket_directories = '$data'"
  printf '%s\n' "${settings[@]}"
} >>"$data/pg/postgresql.conf"
as_owner pg_ctl -D "$data/pg" -l "$data/server.log" -w start >/dev/null
"$@"
