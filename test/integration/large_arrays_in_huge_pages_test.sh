#!/usr/bin/env bash
# large_arrays_in_huge_pages: an array of 4 MiB or more that the library
# allocates asks for 2 MiB pages (src/pg/large_allocations.cpp).  A training
# whose owned games take 6 MB (500,000 rows of 12 bytes, reserved at once from
# the table's statistics) must fault in at least one huge page, or fall back
# to small ones where none was free: the kernel counts both in /proc/vmstat.
# Nothing else on the machine asks for huge pages in `madvise` mode, so the
# count stands still without the hint.  Skipped where the kernel gives none
# (transparent_hugepage `never`) or counts none.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
db=steam_rec_huge_arrays
trap 'psql -X -q -d $db -c "SET steam_rec.allow_drop = on; DROP EXTENSION IF EXISTS steam_rec CASCADE" >/dev/null 2>&1 || true;
      dropdb --if-exists $db 2>/dev/null || true' EXIT

mode=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo "[never]")
if [[ "$mode" == *"[never]"* ]] || ! grep -q '^thp_fault_alloc ' /proc/vmstat; then
  echo "skip transparent huge pages are off here ($mode)"
  exit 0
fi
huge_faults() { awk '$1 == "thp_fault_alloc" || $1 == "thp_fault_fallback" {n += $2} END {print n}' /proc/vmstat; }

dropdb --if-exists $db 2>/dev/null || true
createdb $db
psql_in $db <<'SQL'
CREATE EXTENSION steam_rec;
INSERT INTO steam_rec.users (steam_id, username) SELECT p, 'player_' || p FROM generate_series(1, 20000) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT p, 1 + (p + g * 97) % 3000, 1 + (p * g) % 40 FROM generate_series(1, 20000) AS p, generate_series(1, 25) AS g;
ANALYZE steam_rec.user_games;
SQL

before=$(huge_faults)
psql_value $db "SELECT steam_rec.train('popularity') > 0" >/dev/null
after=$(huge_faults)
assert_true "a training of 500,000 owned games asks for huge pages ($((after - before)) faulted in or fallen back)" \
  "[ $((after - before)) -gt 0 ]"
