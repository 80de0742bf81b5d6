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

# single [psql args...]: psql into database single_node of the coordinator's
# server, a single-node steam_rec without citus (made by the function below).
single() { on_node "$COORDINATOR_PORT" -d single_node "$@"; }

# sample_on_cluster_and_single_node [ALGORITHM]: the same data on both sides of
# a comparison: distributes the tables on the cluster and loads
# tools/sample_data.sql there, creates the single_node database with steam_rec
# and loads the same sample; with ALGORITHM, trains it on both.
sample_on_cluster_and_single_node() {
  coordinator -c "SELECT steam_rec.distribute()" >/dev/null
  coordinator -f tools/sample_data.sql
  on_node "$COORDINATOR_PORT" -d postgres -c "CREATE DATABASE single_node"
  single -c "CREATE EXTENSION steam_rec"
  single -f tools/sample_data.sql
  if [ -n "${1:-}" ]; then
    coordinator -c "SELECT steam_rec.train('$1')" >/dev/null
    single -c "SELECT steam_rec.train('$1')" >/dev/null
  fi
}
