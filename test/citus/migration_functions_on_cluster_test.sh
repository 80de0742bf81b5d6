#!/usr/bin/env bash
# migrate(dry_run => true) and adopt_alembic() run on a distributed cluster.
# Before, Citus refused migrate()'s dry run ("cannot run extension command
# because there was a parallel operation on a distributed table": its counts
# of rows read the shards in parallel before the ALTER EXTENSION) and every
# adopt_alembic() call (42601: Citus plans no "SELECT EXISTS (SELECT FROM t)"
# of a distributed table).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

coordinator -c "SELECT steam_rec.distribute()" >/dev/null
versions() {
  for node in coordinator worker1 worker2; do
    "$node" -c "SELECT extversion FROM pg_extension WHERE extname = 'steam_rec'"
  done | paste -sd,
}
version=$(coordinator -c "SELECT extversion FROM pg_extension WHERE extname = 'steam_rec'")

# adopt_alembic(): the service's schema of sql/adopt_alembic.sql, adopted into
# the distributed tables while they are empty.
sed -n "/^-- The service's schema/,/^-- The same rows/p" sql/adopt_alembic.sql | coordinator >/dev/null
coordinator -c "SELECT table_name, rows_adopted FROM steam_rec.adopt_alembic('service') ORDER BY table_name" >/tmp/adopted.$$
assert_equal "every table is adopted with its rows" \
  "catalog_cache|12 game_tags|24 recommendations|90 user_games|81 users|30" "$(paste -sd' ' /tmp/adopted.$$)"
rm -f /tmp/adopted.$$
players() {
  coordinator -c "SELECT md5(string_agg(steam_id || ' ' || username || ' ' || coalesce(country, '-'), ',' ORDER BY steam_id))
                    FROM $1.users"
}
assert_equal "the players are the service's, read through Citus" "$(players service)" "$(players steam_rec)"
assert_equal "the adopted games are in the shards, scored" "81|0" \
  "$(coordinator -c "SELECT count(*) || '|' || count(*) FILTER (WHERE engagement_score IS NULL) FROM steam_rec.user_games")"

# migrate(dry_run => true): the plan down to the previous release, nothing changed.
coordinator -c "SELECT steam_rec.train('popularity')" >/dev/null
planned=$(coordinator -c "SELECT count(*) FROM steam_rec.migrate('1.5', dry_run => true)")
assert_true "the dry run reports what the migration would do ($planned lines)" "[ $planned -gt 0 ]"
assert_equal "the dry run changed no node's version" "$version,$version,$version" "$(versions)"
assert_equal "nor any row" "81|1" \
  "$(coordinator -c "SELECT (SELECT count(*) FROM steam_rec.user_games) || '|' || (SELECT count(*) FROM steam_rec.models)")"
