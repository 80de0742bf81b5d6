#!/usr/bin/env bash
# Every benchmark, in a throwaway cluster tuned for this machine.
#
#   bench/run.sh [S] [M] [L] [--runs N] [--seconds N] [--clients 1,4,16] ...   (bench/bench.py --help)
#   bench/run.sh --smoke --output FILE     scale S once, as the test command runs it
#   bench/run.sh serving [M] [L] ...       serving from the shared model image only (bench/serving_bench.py)
#   PG_CONFIG=/opt/pg/lib/postgresql/15/bin/pg_config bench/run.sh L
#                                          a private copy of the server: builds and installs there and
#                                          runs the cluster from its bin dir (PGPORT, default 5570; data
#                                          in a new directory under BENCH_DATA, default /tmp), so a long
#                                          run does not share the install others rebuild
#
# Installs what is missing, builds and installs the extension, then generates
# each scale (bench/generate_steam.py) and measures it.  Writes
# bench/results/<date>.md and PNG plots next to it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/tools/run" deps
if [ -n "${PG_CONFIG:-}" ]; then
  make -C "$ROOT" -j"$(nproc)" -s PG_CONFIG="$PG_CONFIG"
  make -C "$ROOT" -s install PG_CONFIG="$PG_CONFIG"
else
  "$ROOT/tools/run" build
fi

script=bench.py
if [ "${1:-}" = serving ]; then
  script=serving_bench.py
  shift
fi
memory_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
shared_buffers_mb=$(( memory_mb / 4 < 4096 ? memory_mb / 4 : 4096 ))
settings=(
  shared_buffers=${shared_buffers_mb}MB effective_cache_size=$(( memory_mb / 2 ))MB
  work_mem=256MB maintenance_work_mem=1GB max_wal_size=32GB checkpoint_timeout=1h
  synchronous_commit=off autovacuum=off log_min_messages=warning
)
if [ -z "${PG_CONFIG:-}" ]; then
  options=()
  for setting in "${settings[@]}"; do options+=(-o "$setting"); done
  pg_virtualenv "${options[@]}" /usr/bin/python3 "$ROOT/bench/$script" "$@"
  exit
fi
"$ROOT/bench/private_cluster.sh" "$("$PG_CONFIG" --bindir)" "${settings[@]}" -- \
  /usr/bin/python3 "$ROOT/bench/$script" "$@"
