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
