#!/usr/bin/env bash
# bench_private_cluster_keeps_given_data_dir: bench/private_cluster.sh puts
# its throwaway cluster in a new directory under BENCH_DATA and removes only
# that one: it used BENCH_DATA itself and removed it whole when the command
# ended (BENCH_DATA=/mnt/scratch lost everything on /mnt/scratch).  A failed
# initdb leaves no directory behind either.  initdb and pg_ctl are stubs: the
# test is about the directories, not the server.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
work=$(mktemp -d /tmp/bench_private_cluster_test.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"  # the stubs run as postgres when the test runs as root

# stub_bindir DIR INITDB_EXIT: an initdb that makes the data directory (or
# fails with INITDB_EXIT) and a pg_ctl that does nothing.
stub_bindir() {
  mkdir -p "$1"
  printf '#!/bin/sh\n[ %s = 0 ] || exit %s\nmkdir -p "$2" && touch "$2/postgresql.conf"\n' "$2" "$2" >"$1/initdb"
  printf '#!/bin/sh\nexit 0\n' >"$1/pg_ctl"
  chmod 755 "$1" "$1/initdb" "$1/pg_ctl"
}
stub_bindir "$work/bin" 0
stub_bindir "$work/failing" 1

given="$work/given"
mkdir -p "$given"
chmod 777 "$given"
echo kept >"$given/other_file"
BENCH_DATA=$given "$root/bench/private_cluster.sh" "$work/bin" work_mem=1MB -- \
  sh -c 'echo "$PGHOST" >"$0/host"' "$work"
assert_equal "BENCH_DATA keeps its other files" "kept" "$(cat "$given/other_file" 2>/dev/null || echo gone)"
host=$(cat "$work/host")
assert_equal "the cluster ran in a new directory under BENCH_DATA" "$given steam_rec_bench" \
  "$(dirname "$host") $(basename "$host" | cut -d. -f1)"
assert_equal "the cluster's own directory is removed" "" "$(ls "$given" | grep steam_rec_bench || true)"

if BENCH_DATA=$given "$root/bench/private_cluster.sh" "$work/failing" -- true 2>/dev/null; then
  echo "FAIL private_cluster.sh succeeded though initdb failed" >&2
  exit 1
fi
assert_equal "a failed initdb leaves no directory" "" "$(ls "$given" | grep steam_rec_bench || true)"
