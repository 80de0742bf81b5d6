# Helpers for the Citus tests: source it.  CITUS_ENV names the env file
# tools/citus_cluster.sh wrote (ports and socket directory of the cluster).
# shellcheck disable=SC1090
. "$CITUS_ENV"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"

# on_node PORT [psql args...]: psql into database steam_rec on one node.
on_node() {
  local port=$1; shift
  psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$CITUS_DIR" -p "$port" -U postgres -d steam_rec "$@"
}
coordinator() { on_node "$COORDINATOR_PORT" "$@"; }
worker1() { on_node "$WORKER1_PORT" "$@"; }
worker2() { on_node "$WORKER2_PORT" "$@"; }
