#!/usr/bin/env bash
# A worker killed with kill -9 while refresh_recommendations() or
# refresh_engagement() runs on the cluster: the statement fails with an error,
# no worker keeps any of its writes (the lists and scores are the ones from
# before), and once the worker is back the same refresh succeeds.
#
# To kill the worker mid-refresh, another session holds a lock on one of its
# players' rows: the refresh waits there, with the other worker's shards
# already rewritten inside the same distributed transaction.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

BIN=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }

coordinator -c "SELECT steam_rec.distribute()" >/dev/null
coordinator -f tools/sample_data.sql
coordinator -c "SELECT steam_rec.train('hybrid')" >/dev/null
coordinator -c "SELECT steam_rec.refresh_recommendations(NULL, 10)" >/dev/null

# A player whose shard is on worker 2.
player=$(coordinator -c "SELECT min(steam_id) FROM steam_rec.users u JOIN pg_dist_shard_placement p
                           ON p.shardid = get_shard_id_for_distribution_column('steam_rec.users', u.steam_id)
                          WHERE p.nodeport = $WORKER2_PORT")

# kill_worker2_during STATEMENT OUTPUT: runs STATEMENT on the coordinator
# while the player's rows are locked, kills worker 2 once the refresh waits
# there, starts it again; returns STATEMENT's exit status.
kill_worker2_during() {
  coordinator -c "BEGIN" \
              -c "SELECT FROM steam_rec.users WHERE steam_id = $player FOR UPDATE" \
              -c "SELECT FROM steam_rec.user_games WHERE user_steam_id = $player FOR UPDATE" \
              -c "SELECT pg_sleep(120)" >/dev/null 2>&1 &
  local holder=$!
  sleep 1
  coordinator -c "$1" >"$2" 2>&1 &
  local refresh=$! waited=0
  until [ "$(worker2 -c "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'
                          AND query LIKE '%steam_rec.refresh_%'")" != 0 ]; do
    sleep 0.2; waited=$((waited + 1))
    [ $waited -lt 300 ] || { echo "the refresh never waited on worker 2" >&2; kill "$holder" "$refresh"; return 2; }
  done
  kill -9 "$(head -1 "$CITUS_DIR/worker2/postmaster.pid")"
  local status=0
  wait "$refresh" || status=$?
  wait "$holder" || true
  # Its backends leave once they see the postmaster gone; then it starts.
  for _ in $(seq 60); do
    as_postgres "$BIN/pg_ctl" -D "$CITUS_DIR/worker2" -l "$CITUS_DIR/worker2.log" -w start \
      >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- && break
    sleep 0.5
  done
  worker2 -c "SELECT 1" >/dev/null
  return $status
}

# refresh_recommendations()
before=$(coordinator -c "SELECT md5(string_agg(user_steam_id || ':' || appid || ':' || rank || ':' || score, ',' ORDER BY user_steam_id, rank))
                           FROM steam_rec.recommendations")
out=$(mktemp); trap 'rm -f "$out"' EXIT
status=0; kill_worker2_during "SELECT steam_rec.refresh_recommendations(NULL, 5)" "$out" || status=$?
sed 's/^/  /' "$out" | head -3
assert_true "refresh_recommendations() fails when a worker is killed" "[ $status = 1 ] && grep -q ERROR '$out'"
assert_equal "no list was rewritten: every player keeps the 10 games from before" "$before" \
  "$(coordinator -c "SELECT md5(string_agg(user_steam_id || ':' || appid || ':' || rank || ':' || score, ',' ORDER BY user_steam_id, rank))
                      FROM steam_rec.recommendations")"
rerun=$(coordinator -c "SELECT steam_rec.refresh_recommendations(NULL, 5)")
assert_equal "the rerun succeeds: every list now holds at most 5 games" "$rerun|5" \
  "$(coordinator -c "SELECT count(*) || '|' || max(rank) FROM steam_rec.recommendations")"

# refresh_engagement(): the sample's rows were scored on insert with no
# statistics, so a full refresh changes most of them.
scores="SELECT md5(string_agg(user_steam_id || ':' || appid || ':' || engagement_score || ':' || playtime_category, ',' ORDER BY user_steam_id, appid))
          FROM steam_rec.user_games"
before=$(coordinator -c "$scores")
stats=$(coordinator -c "SELECT count(*) FROM steam_rec.game_stats")
status=0; kill_worker2_during "SELECT steam_rec.refresh_engagement()" "$out" || status=$?
sed 's/^/  /' "$out" | head -3
assert_true "refresh_engagement() fails when a worker is killed" "[ $status = 1 ] && grep -q ERROR '$out'"
assert_equal "no score was rewritten and no statistics were stored" "$before|$stats" \
  "$(coordinator -c "$scores")|$(coordinator -c "SELECT count(*) FROM steam_rec.game_stats")"
assert_true "the rerun succeeds and rescores rows" "[ $(coordinator -c "SELECT steam_rec.refresh_engagement()") -gt 0 ]"
assert_equal "no transaction is left prepared on a worker" "0|0" \
  "$(worker1 -c "SELECT count(*) FROM pg_prepared_xacts")|$(worker2 -c "SELECT count(*) FROM pg_prepared_xacts")"
