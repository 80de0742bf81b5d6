#!/usr/bin/env bash
# A worker killed with kill -9 while refresh_recommendations(),
# refresh_engagement() or train() runs on the cluster: the statement fails with an error,
# no worker keeps any of its writes (the lists and scores are the ones from
# before), and once the worker is back the same refresh succeeds.
#
# To kill the worker mid-refresh, another session holds a lock on one of its
# players' rows: the refresh waits there, with the other worker's shards
# already rewritten inside the same distributed transaction.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

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
  start_worker2_again
  return $status
}

# Its backends leave once they see the postmaster gone; then it starts.
start_worker2_again() {
  for _ in $(seq 60); do
    as_postgres "$BIN/pg_ctl" -D "$CITUS_DIR/worker2" -l "$CITUS_DIR/worker2.log" -w start \
      >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- && break
    sleep 0.5
  done
  worker2 -c "SELECT 1" >/dev/null
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

# train(), from the workers' partial sums and from the rows.  A session on
# worker 2 holds a lock the training's read there needs, so the training
# waits on worker 2; worker 2 is killed then.  Pulling rows (and sizing the
# data first) reads a shard of user_games (locked); the sums' call on the
# worker first looks up its shards in pg_dist_placement (locked), after the
# coordinator has sized the data through the same shards.  No model is stored or activated, and once
# the worker is back the same training succeeds.
shard=$(coordinator -c "SELECT shard_name('steam_rec.user_games'::regclass,
                          get_shard_id_for_distribution_column('steam_rec.user_games', $player))")
declare -A locked=([on]=pg_catalog.pg_dist_placement [off]=$shard)
declare -A waiting=([on]='%steam_rec.owned_game_totals%' [off]='%user_games%')
models="SELECT count(*) || '|' || (SELECT id FROM steam_rec.models WHERE active) FROM steam_rec.models"
for mode in on off; do
  before=$(coordinator -c "$models")
  worker2 -c "SET citus.enable_manual_changes_to_shards = on" -c "BEGIN" -c "LOCK TABLE ${locked[$mode]} IN ACCESS EXCLUSIVE MODE" \
          -c "SELECT pg_sleep(120)" >/dev/null 2>&1 &
  holder=$!
  sleep 1
  coordinator -c "SET steam_rec.train_from_partial_sums = $mode" -c "SELECT steam_rec.train('itemknn')" >"$out" 2>&1 &
  training=$! waited=0
  until [ "$(worker2 -c "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'
                          AND query LIKE '${waiting[$mode]}' AND pid <> pg_backend_pid()")" != 0 ]; do
    sleep 0.2; waited=$((waited + 1))
    [ $waited -lt 300 ] || { echo "the training never waited on worker 2" >&2; kill "$holder" "$training"; exit 1; }
  done
  kill -9 "$(head -1 "$CITUS_DIR/worker2/postmaster.pid")"
  status=0; wait "$training" || status=$?
  wait "$holder" || true
  start_worker2_again
  sed 's/^/  /' "$out" | head -3
  assert_true "train() with train_from_partial_sums = $mode fails when a worker is killed" \
    "[ $status = 1 ] && grep -q ERROR '$out'"
  assert_equal "no model was stored or activated ($mode)" "$before" "$(coordinator -c "$models")"
  assert_equal "no model row is left on a worker ($mode)" "$(coordinator -c "SELECT count(*) FROM steam_rec.model_games")" \
    "$(worker2 -c "SELECT count(*) FROM steam_rec.model_games")"
  coordinator -c "SET steam_rec.train_from_partial_sums = $mode" -c "SELECT steam_rec.train('itemknn')" >/dev/null
  assert_equal "the rerun succeeds and activates a new model ($mode)" "1" \
    "$(coordinator -c "SELECT count(*) FROM steam_rec.models WHERE active AND id > ${before#*|}")"
done
assert_equal "no transaction is left prepared on a worker after the trainings" "0|0" \
  "$(worker1 -c "SELECT count(*) FROM pg_prepared_xacts")|$(worker2 -c "SELECT count(*) FROM pg_prepared_xacts")"
