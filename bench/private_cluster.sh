#!/usr/bin/env bash
# Runs a command against a throwaway cluster started from the given bin dir.
#
#   bench/private_cluster.sh BINDIR [name=value ...] -- COMMAND ...
#
# pg_virtualenv only knows the system's install; a long benchmark on a private
# copy of the server (bench/run.sh with PG_CONFIG) needs its own cluster, on
# PGPORT (default 5570), with data under BENCH_DATA (default a new directory in
# /tmp), removed when the command ends.
set -euo pipefail
bindir=$1
shift
settings=()
while [ "$1" != -- ]; do
  settings+=("$1")
  shift
done
shift

data=${BENCH_DATA:-$(mktemp -d /tmp/steam_rec_bench.XXXXXX)}
mkdir -p "$data"
export PGPORT=${PGPORT:-5570} PGHOST=$data PGUSER=postgres PATH="$bindir:$PATH"
# initdb and the server refuse to run as root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$data"
as_owner initdb -D "$data/pg" -A trust -U postgres >/dev/null
{
  echo "port = $PGPORT"
  echo "listen_addresses = ''"
  echo "unix_socket_directories = '$data'"
  printf '%s\n' "${settings[@]}"
} >>"$data/pg/postgresql.conf"
stop() {
  as_owner pg_ctl -D "$data/pg" -m fast -w stop >/dev/null || true
  rm -rf "$data"
}
trap stop EXIT
as_owner pg_ctl -D "$data/pg" -l "$data/server.log" -w start >/dev/null
"$@"
