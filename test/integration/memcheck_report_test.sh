#!/usr/bin/env bash
# The valgrind run's verdict (test/valgrind/memcheck_report.py): an error with
# one of our frames fails it, whether the frame is named by our namespace, a C
# entry point or only the library; PostgreSQL's own errors and valgrind's
# notes do not.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
report() { /usr/bin/python3 "$root/test/valgrind/memcheck_report.py" "$logs" >/dev/null && echo pass || echo fail; }

cat >"$logs/100.log" <<'LOG'
==100== Memcheck, a memory error detector
==100== Command: /usr/lib/postgresql/15/bin/postgres -D data
==100==
==100== Syscall param pwrite64(buf) points to uninitialised byte(s)
==100==    at 0x5A1B2C3: pwrite (pwrite64.c:25)
==100==    by 0x57FF18: mdextend (in /usr/lib/postgresql/15/bin/postgres)
==100==
LOG
assert_equal "PostgreSQL's own errors only: passes" pass "$(report)"

for frame in "steam_rec::rec::keep_best(std::vector<int>&) (top_k.hpp:23)" \
             "steam_rec_recommend (recommend.cpp:40)" "??? (in /usr/lib/postgresql/15/lib/steam_rec.so)"; do
  cat >"$logs/200.log" <<LOG
==200== Invalid read of size 4
==200==    at 0x1284431: $frame
==200==    by 0x6BD924: fmgr_security_definer (in /usr/lib/postgresql/15/bin/postgres)
==200==
LOG
  assert_equal "an error through '${frame%% *}' fails" fail "$(report)"
done

rm "$logs"/*.log
assert_equal "no logs at all (the server did not run under valgrind) fails" fail "$(report)"
