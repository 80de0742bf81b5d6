#!/usr/bin/env bash
# Recommendation engine benchmark in a throwaway cluster tuned for bulk work.
#   bench/recommend.sh [--runs N] [--synthetic-rows N] [--growth N,N,N] (see recommend_bench.py)
# Writes bench/results/recommend-<date>.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/tools/run" build
pg_virtualenv \
  -o shared_buffers=4GB -o work_mem=256MB -o maintenance_work_mem=1GB \
  -o max_wal_size=32GB -o checkpoint_timeout=1h -o synchronous_commit=off -o autovacuum=off \
  "$ROOT/bench/recommend_bench.py" "$@"
