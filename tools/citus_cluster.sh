#!/usr/bin/env bash
# Starts and stops a throwaway Citus cluster of three local PostgreSQL 15
# servers: a coordinator and two workers, each with citus preloaded and the
# citus and steam_rec extensions created in database steam_rec.
#
#   tools/citus_cluster.sh start DIR   create and start the cluster under DIR (must not exist);
#                                      writes DIR/env (COORDINATOR_PORT, WORKER1_PORT, WORKER2_PORT)
#   tools/citus_cluster.sh stop DIR    stop the servers and remove DIR
#
# The servers run as the postgres user (initdb refuses root), listen on the
# socket in DIR only and trust local connections: a test fixture, not a setup
# to copy.
set -euo pipefail

BIN=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
NODES=(coordinator worker1 worker2)

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

# Prints a TCP port nobody listens on, from FIRST upwards, skipping the ones given.
free_port() {
  local port=$1; shift
  while ss -Hltn "sport = :$port" | grep -q . || [[ " $* " == *" $port "* ]]; do
    port=$((port + 1))
  done
  echo "$port"
}

start() {
  local dir=$1
  [ ! -e "$dir" ] || { echo "citus_cluster: $dir exists; stop it first" >&2; exit 2; }
  mkdir -p "$dir"
  chown postgres: "$dir" 2>/dev/null || true
  local ports=() port=${STEAM_REC_CITUS_FIRST_PORT:-5461} node i
  for node in "${NODES[@]}"; do
    port=$(free_port "$port" "${ports[@]}")
    ports+=("$port")
  done
  for i in 0 1 2; do
    node=${NODES[$i]}
    as_postgres "$BIN/initdb" -D "$dir/$node" -A trust -U postgres --no-sync >/dev/null
    cat >>"$dir/$node/postgresql.conf" <<CONF
port = ${ports[$i]}
listen_addresses = ''
unix_socket_directories = '$dir'
shared_preload_libraries = 'citus'
# A node reaches itself (EXPLAIN ANALYZE, some size functions) through this
# host, 'localhost' by default, where nothing listens here.
citus.local_hostname = '$dir'
max_connections = 60
shared_buffers = 64MB
fsync = off
log_min_messages = warning
CONF
  done
  # The servers outlive this script: they must not keep the caller's open
  # files (a lock held on descriptor 9, say), so only 0-2 are passed on.
  for i in 0 1 2; do
    as_postgres "$BIN/pg_ctl" -D "$dir/${NODES[$i]}" -l "$dir/${NODES[$i]}.log" -w start \
      >/dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
  done
  cat >"$dir/env" <<ENV
CITUS_DIR=$dir
COORDINATOR_PORT=${ports[0]}
WORKER1_PORT=${ports[1]}
WORKER2_PORT=${ports[2]}
ENV
  for i in 0 1 2; do
    as_postgres "$BIN/psql" -qX -v ON_ERROR_STOP=1 -h "$dir" -p "${ports[$i]}" -d postgres \
      -c "CREATE DATABASE steam_rec" >/dev/null
    as_postgres "$BIN/psql" -qX -v ON_ERROR_STOP=1 -h "$dir" -p "${ports[$i]}" -d steam_rec \
      -c "CREATE EXTENSION citus" >/dev/null
  done
  # Workers are reached through the same socket directory the coordinator uses.
  as_postgres "$BIN/psql" -qX -v ON_ERROR_STOP=1 -h "$dir" -p "${ports[0]}" -d steam_rec >/dev/null <<SQL
SELECT pg_catalog.citus_set_coordinator_host('$dir', ${ports[0]});
SELECT pg_catalog.citus_add_node('$dir', ${ports[1]});
SELECT pg_catalog.citus_add_node('$dir', ${ports[2]});
CREATE EXTENSION steam_rec;
SQL
  echo "citus cluster in $dir: coordinator ${ports[0]}, workers ${ports[1]} ${ports[2]}"
}

stop() {
  local dir=$1 node
  [ -d "$dir" ] || return 0
  for node in "${NODES[@]}"; do
    [ -f "$dir/$node/postmaster.pid" ] &&
      as_postgres "$BIN/pg_ctl" -D "$dir/$node" -m immediate -w stop >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:?directory}" ;;
  stop) stop "${2:?directory}" ;;
  *) echo "usage: tools/citus_cluster.sh {start|stop} DIR" >&2; exit 2 ;;
esac
