#!/usr/bin/env bash
# Throughput of recommend() on a throwaway Citus cluster (coordinator + 2
# workers, the built-in sample, hybrid): through the coordinator, directly on a
# worker for its own players, and on a single-node database of the same
# server, at 4 and 16 clients (pgbench, SECONDS each).  Prints a Markdown table.
#   bench/citus_recommend.sh [SECONDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECONDS_EACH=${1:-10}
dir=$(mktemp -d /tmp/steam_rec_citus_bench.XXXXXX); rmdir "$dir"
trap 'tools/citus_cluster.sh stop "$dir"' EXIT
tools/citus_cluster.sh start "$dir" >/dev/null
. "$dir/env"
run() { psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$dir" -U postgres "$@"; }
run -p "$COORDINATOR_PORT" -d steam_rec -c "SELECT steam_rec.distribute()" >/dev/null
run -p "$COORDINATOR_PORT" -d steam_rec -f tools/sample_data.sql
run -p "$COORDINATOR_PORT" -d steam_rec -c "SELECT steam_rec.train('hybrid')" >/dev/null
run -p "$COORDINATOR_PORT" -d postgres -c "CREATE DATABASE single_node"
run -p "$COORDINATOR_PORT" -d single_node -c "CREATE EXTENSION steam_rec"
run -p "$COORDINATOR_PORT" -d single_node -f tools/sample_data.sql
run -p "$COORDINATOR_PORT" -d single_node -c "SELECT steam_rec.train('hybrid')" >/dev/null

# Players of worker 1, so the direct calls read local shards only.
players=$(run -p "$COORDINATOR_PORT" -d steam_rec -c "
  SELECT string_agg(u.steam_id::text, ',') FROM steam_rec.users u
   WHERE (SELECT p.nodeport FROM pg_dist_shard_placement p
           WHERE p.shardid = get_shard_id_for_distribution_column('steam_rec.users', u.steam_id)) = $WORKER1_PORT")
script=$(mktemp)
cat >"$script" <<SQL
\set i random(1, $(tr ',' '\n' <<<"$players" | wc -l))
SELECT count(*) FROM steam_rec.recommend((ARRAY[$players]::bigint[])[:i], 10);
SQL
tps() {  # tps PORT DB CLIENTS
  pgbench -n -h "$dir" -U postgres -p "$1" -d "$2" -c "$3" -j "$3" -T "$SECONDS_EACH" -f "$script" 2>/dev/null |
    sed -n 's/^tps = \([0-9.]*\).*/\1/p' | cut -d. -f1
}
echo "| clients | single node | through the coordinator | directly on a worker |"
echo "| ---: | ---: | ---: | ---: |"
for clients in 4 16; do
  echo "| $clients | $(tps "$COORDINATOR_PORT" single_node "$clients") | $(tps "$COORDINATOR_PORT" steam_rec "$clients") | $(tps "$WORKER1_PORT" steam_rec "$clients") |"
done
rm -f "$script"
