#!/usr/bin/env bash
# hot_standby_serves: a streaming replica (pg_basebackup -R) serves
# recommend(), recommend_for_games() and similar_games() with the primary's
# lists, from an image it builds itself from the replayed tables (a standby
# writes files under its own data directory, never a table), and picks up a
# model trained and activated on the primary once that is replayed, a
# re-ranked one (its model_rerankers row, 1.7) included; one standby backend
# refuses a newer SQL version the primary committed after its last call.
# Both clusters are created here, on ports of their own, and removed after.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
source "$root/test/integration/model_image_helpers.sh"
source "$root/test/lib/private_cluster.sh"
private_base "${TMPDIR:-/tmp}/steam_rec_standby.XXXXXX"
primary_port=${STEAM_REC_PRIMARY_PORT:-5481}
standby_port=${STEAM_REC_STANDBY_PORT:-5482}
private_cluster_create "$base/primary" $primary_port "wal_level = replica" "max_wal_senders = 4" "hot_standby = on"
private_cluster_start "$base/primary" "$base/primary.log"
export PGHOST=$base PGUSER=postgres PGPORT=$primary_port
db=steam_rec_standby
make_trained_db $db

as_postgres "$bin/pg_basebackup" -h "$base" -p $primary_port -U postgres -D "$base/standby" -R -X stream
rm -rf "$base/standby/steam_rec"  # the standby builds its own image
sed -i "s/^port = $primary_port/port = $standby_port/" "$base/standby/postgresql.conf"
private_cluster_start "$base/standby" "$base/standby.log"

# caught_up: waits until the standby has replayed everything the primary wrote.
caught_up() {
  local target
  target=$(PGPORT=$primary_port psql_value $db "SELECT pg_current_wal_lsn()")
  for _ in $(seq 1 300); do
    [ "$(PGPORT=$standby_port psql_value $db "SELECT pg_last_wal_replay_lsn() >= '$target'::pg_lsn")" = t ] && return 0
    sleep 0.1
  done
  echo "FAIL the standby did not catch up" >&2
  exit 1
}

caught_up
assert_equal "the standby is in recovery" "t" "$(PGPORT=$standby_port psql_value $db "SELECT pg_is_in_recovery()")"
primary_lists=$(PGPORT=$primary_port psql_value $db "$lists_sql")
assert_equal "the standby serves the primary's lists" "$primary_lists" \
  "$(PGPORT=$standby_port psql_value $db "$lists_sql")"
assert_equal "from an image file it built itself" "file 1" "$(PGPORT=$standby_port served $db "served_from || ' ' || builds")"
assert_true "under its own data directory" "ls '$base/standby/steam_rec/' | grep -q '\.img$'"

PGPORT=$primary_port psql_value $db "SELECT steam_rec.train('content')" >/dev/null
caught_up
new_lists=$(PGPORT=$primary_port psql_value $db "$lists_sql")
assert_true "the primary serves the new model" "[ '$new_lists' != '$primary_lists' ]"
assert_equal "the standby serves the new model after replay" "$new_lists" \
  "$(PGPORT=$standby_port psql_value $db "$lists_sql")"

# A re-ranked model (1.7): the standby reads its model_rerankers row as the
# primary does, and serves the same re-ordered lists.
# Players with four tastes first: on the two clusters above training keeps no
# re-ranker (it loses to the base order on the players it was not fitted on).
PGPORT=$primary_port psql_value $db "
  INSERT INTO steam_rec.users (steam_id, username) SELECT 1000 + p, 'taste_' || p FROM generate_series(1, 240) AS p;
  INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
  SELECT 1000 + p, 1 + (p % 4) * 20 + g, 1 + (p * g) % 17
    FROM generate_series(1, 240) AS p, generate_series(0, 9) AS g
   WHERE (p * 7 + g * 3) % 5 <> 0" >/dev/null
PGPORT=$primary_port psql_value $db "SELECT steam_rec.train('hybrid', '{\"rerank_candidates\": 30}')" >/dev/null
caught_up
assert_equal "the primary stored its re-ranker" "1" \
  "$(PGPORT=$primary_port psql_value $db "SELECT count(*) FROM steam_rec.model_rerankers AS r JOIN steam_rec.models AS m ON m.id = r.model_id WHERE m.active")"
reranked_lists=$(PGPORT=$primary_port psql_value $db "$lists_sql")
assert_true "the primary serves the re-ranked model" "[ '$reranked_lists' != '$new_lists' ]"
assert_equal "the standby serves the re-ranked model's lists" "$reranked_lists" \
  "$(PGPORT=$standby_port psql_value $db "$lists_sql")"
assert_equal "the standby's log has no error" "" "$(grep -E 'ERROR|terminated by signal' "$base/standby.log" || true)"

# One standby backend across replay: its version check keeps a read of
# pg_extension for later transactions only while no transaction has ended
# server-wide, and replaying a commit counts as one ending (the count a
# standby's snapshots are reused by).  A newer SQL version committed on the
# primary meanwhile is refused by the same backend's next call.  (After the
# log check above: the refusal is logged.)
version=$(PGPORT=$primary_port psql_value $db "SELECT extversion FROM pg_extension WHERE extname = 'steam_rec'")
newer_on_primary="PGPORT=$primary_port psql -X -q -A -t -d $db -c \"UPDATE pg_extension SET extversion = '9.9' WHERE extname = 'steam_rec'\" -c 'SELECT pg_current_wal_lsn()'"
across_replay=$(PGPORT=$standby_port psql -X -q -A -t -d $db 2>&1 <<SQL
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served_before;
\\set target \`$newer_on_primary\`
SELECT set_config('steam_rec_test.target', :'target', false) IS NULL AS unset;
DO \$\$BEGIN
  WHILE pg_last_wal_replay_lsn() < current_setting('steam_rec_test.target')::pg_lsn LOOP
    PERFORM pg_sleep(0.02);
  END LOOP;
END\$\$;
SELECT steam_rec.boundary_selftest('none') IS NOT NULL AS served_after;
SQL
)
PGPORT=$primary_port psql_value $db "UPDATE pg_extension SET extversion = '$version' WHERE extname = 'steam_rec'" >/dev/null
caught_up
assert_equal "a standby backend serves, then refuses the version the primary committed meanwhile" \
  "t
f
ERROR:  steam_rec SQL version 9.9 is newer than the loaded library version $version
HINT:  Install the steam_rec 9.9 library and reconnect, or run ALTER EXTENSION steam_rec UPDATE TO '$version'; to go back." \
  "$across_replay"
assert_equal "and serves again once the version is back" "t" \
  "$(PGPORT=$standby_port psql_value $db "SELECT steam_rec.boundary_selftest('none') IS NOT NULL")"
assert_equal "the standby did not crash" "" "$(grep 'terminated by signal' "$base/standby.log" || true)"
