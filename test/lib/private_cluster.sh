# private_cluster.sh: servers of a test's own, sourced by the tests that need
# one configured as the shared test server is not (a standby, a preloaded
# library, a long data directory) and by bench/private_cluster.sh:
#
#   private_base /tmp/steam_rec_x.XXXXXX    # sets $base (mktemp -d TEMPLATE)
#   private_cluster_create DATA PORT [setting ...]
#   private_cluster_start DATA LOG
#
# A cluster listens only on a socket in $base. When the script exits, every
# cluster started is stopped (immediate) and $base removed. initdb and the
# server refuse to run as root; as root, they run as postgres. They come from
# $bin when it is set before this is sourced, from pg_config's bin dir otherwise.

bin=${bin:-$(pg_config --bindir)}
private_data_dirs=()

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_private_clusters() {
  local i
  for ((i = ${#private_data_dirs[@]} - 1; i >= 0; i--)); do
    if [ -f "${private_data_dirs[i]}/postmaster.pid" ]; then
      as_postgres "$bin/pg_ctl" -D "${private_data_dirs[i]}" -m immediate stop >/dev/null 2>&1 || true
    fi
  done
  rm -rf "$base"
}

private_base() {
  base=$(mktemp -d "$1")
  trap stop_private_clusters EXIT
  if [ "$(id -u)" = 0 ]; then chown postgres: "$base"; fi
}

private_cluster_create() {
  local data=$1 port=$2
  shift 2
  as_postgres "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null
  {
    echo "port = $port"
    echo "listen_addresses = ''"
    echo "unix_socket_directories = '$base'"
    printf '%s\n' "$@"
  } >>"$data/postgresql.conf"
}

# Registered before it starts: a start that fails half-way is stopped too.
private_cluster_start() {
  private_data_dirs+=("$1")
  as_postgres "$bin/pg_ctl" -D "$1" -l "$2" -w start >/dev/null
}
