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
# The cluster is made and stopped by test/lib/private_cluster.sh.
set -euo pipefail
bin=$1  # read by private_cluster.sh instead of pg_config's
shift
settings=()
while [ "$1" != -- ]; do
  settings+=("$1")
  shift
done
shift

source "$(dirname "${BASH_SOURCE[0]}")/../test/lib/private_cluster.sh"
mkdir -p "${BENCH_DATA:-/tmp}"
private_base "${BENCH_DATA:-/tmp}/steam_rec_bench.XXXXXX"  # set before initdb: a failed one leaves no directory either
export PGPORT=${PGPORT:-5570} PGHOST=$base PGUSER=postgres PATH="$bin:$PATH"
private_cluster_create "$base/pg" "$PGPORT" "${settings[@]}"
private_cluster_start "$base/pg" "$base/server.log"
"$@"
