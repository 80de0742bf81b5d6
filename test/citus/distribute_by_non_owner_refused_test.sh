#!/usr/bin/env bash
# steam_rec.distribute() called by a role that does not own the extension's
# tables (granted EXECUTE on it) is refused up front with 42501, naming the
# role and the owner, and changes nothing on any node.  Before, it reached the
# workers first and reported their "must be owner of table" as 08006 "could not
# change worker", with a hint to make the worker reachable.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

coordinator -f tools/sample_data.sql
coordinator -c "CREATE ROLE regress_tenant LOGIN" \
            -c "GRANT USAGE ON SCHEMA steam_rec TO regress_tenant" \
            -c "GRANT EXECUTE ON FUNCTION steam_rec.distribute() TO regress_tenant"

refusal=$(coordinator -U regress_tenant -v VERBOSITY=verbose -c "SELECT steam_rec.distribute()" 2>&1 \
            | grep -E '^(ERROR|DETAIL|HINT)' || true)
printf '%s\n' "$refusal" | sed 's/^/  /'
assert_equal "a non-owner is refused with 42501" \
  "ERROR:  42501: steam_rec.distribute() must be called by the owner of steam_rec's tables" \
  "$(printf '%s\n' "$refusal" | head -1)"
assert_equal "the refusal names the role and the owner" \
  "DETAIL:  Table steam_rec.catalog_cache belongs to role postgres; role regress_tenant does not have its privileges." \
  "$(printf '%s\n' "$refusal" | sed -n 2p)"
assert_equal "nothing is distributed" "0" "$(coordinator -c "SELECT count(*) FROM pg_dist_partition")"
for node in coordinator worker1 worker2; do
  assert_equal "user_games keeps its primary key on the $node" "PRIMARY KEY (id)" \
    "$("$node" -c "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'user_games_pkey'")"
  assert_equal "models keeps its triggers on the $node" "5" \
    "$("$node" -c "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'steam_rec.models'::regclass AND NOT tgisinternal")"
done

# The owner's call afterwards distributes as usual.
assert_equal "the owner's call distributes the eleven tables" "11" \
  "$(coordinator -c "SELECT count(*) FROM steam_rec.distribute()")"
