#!/usr/bin/env bash
# The servers tools/citus_cluster.sh starts outlive it: they must not inherit
# the caller's open descriptors.  A caller holding a flock on descriptor 9
# (as the shared dev lock does) once found the lock held by the cluster's
# postmasters until they stopped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/lib/assert.sh

lock=$(mktemp /tmp/steam_rec_citus_lock.XXXXXX)
dir=$(mktemp -d /tmp/steam_rec_citus.XXXXXX); rmdir "$dir"
trap 'tools/citus_cluster.sh stop "$dir"; rm -f "$lock"' EXIT
( exec 9>"$lock"; flock 9; tools/citus_cluster.sh start "$dir" >/dev/null )

holders=0
for fd_dir in /proc/[0-9]*/fd; do
  if ls -l "$fd_dir" 2>/dev/null | grep -q "$lock"; then holders=$((holders + 1)); fi
done
assert_equal "no process of the started cluster holds the caller's lock file" "0" "$holders"
assert_true "the lock is free once the caller is done" "flock -n '$lock' true"
