#!/usr/bin/env bash
# The one steam_rec.so serves every SQL version: every C function that any
# extension script (old or new) declares must exist in the built library, so
# a newer library never breaks an older installed SQL version.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
library="$root/steam_rec.so"
[ -f "$library" ] || { echo "FAIL $library is not built" >&2; exit 1; }

exported=$(nm -D --defined-only "$library" | awk '{print $3}')
declared=$(grep -h -o -E "'MODULE_PATHNAME', *'[a-z_0-9]+'" "$root"/migrations/steam_rec--*.sql |
           sed -E "s/.*'([a-z_0-9]+)'$/\1/" | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported" | sort -u))
assert_equal "every C function declared by any script version is exported ($(echo "$declared" | wc -l) functions)" "" "$missing"
for symbol in $declared; do
  grep -qx "pg_finfo_$symbol" <<<"$exported" || { echo "FAIL $symbol has no PG_FUNCTION_INFO_V1 record" >&2; exit 1; }
done
echo "ok   each has its V1 call-convention record"

# Nothing else is exported (src/pg/exports.map): the C++ standard library's
# code compiled into the library stays local, so the library's calls to it
# bind inside it and no other library's resolve to it.
expected=$( (echo Pg_magic_func; echo _PG_init; grep -x -E 'steam_rec_[a-z_0-9]+|pg_finfo_steam_rec_[a-z_0-9]+' <<<"$exported") | sort -u)
extra=$(comm -23 <(echo "$exported" | sort -u) <(echo "$expected"))
assert_equal "only the server's entry points are exported ($(echo "$exported" | wc -l) symbols)" "" "$extra"
