#!/usr/bin/env bash
# Every benchmark, in a throwaway cluster tuned for this machine.
#
#   bench/run.sh [S] [M] [L] [--runs N] [--seconds N] [--clients 1,4,16] ...   (bench/bench.py --help)
#   bench/run.sh --smoke --output FILE     scale S once, as the test command runs it
#   bench/run.sh serving [M] [L] ...       serving from the shared model image only (bench/serving_bench.py)
#
# Installs what is missing, builds and installs the extension, then generates
# each scale (bench/generate_steam.py) and measures it.  Writes
# bench/results/<date>.md and PNG plots next to it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/tools/run" deps
"$ROOT/tools/run" build

script=bench.py
if [ "${1:-}" = serving ]; then
  script=serving_bench.py
  shift
fi
memory_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
shared_buffers_mb=$(( memory_mb / 4 < 4096 ? memory_mb / 4 : 4096 ))
pg_virtualenv \
  -o shared_buffers=${shared_buffers_mb}MB -o effective_cache_size=$(( memory_mb / 2 ))MB \
  -o work_mem=256MB -o maintenance_work_mem=1GB -o max_wal_size=32GB -o checkpoint_timeout=1h \
  -o synchronous_commit=off -o autovacuum=off -o log_min_messages=warning \
  /usr/bin/python3 "$ROOT/bench/$script" "$@"
