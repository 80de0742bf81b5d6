#!/usr/bin/env bash
# Two sessions call steam_rec.distribute() at the same time: the second waits
# for the first, then finds the tables distributed and changes nothing.
# Before, both read "nothing distributed yet"; the second ran its worker
# commands against tables the first had just made Citus tables and failed with
# 08006 "could not change worker" and a hint to make the worker reachable.
#
# To make the calls overlap, a session on worker 2 holds a lock the first
# call needs there, so it waits with its work half done when the second
# starts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

coordinator -f tools/sample_data.sql
rows=$(coordinator -c "SELECT count(*) FROM steam_rec.user_games")

worker2 -c "BEGIN" -c "LOCK TABLE steam_rec.users IN ACCESS EXCLUSIVE MODE" -c "SELECT pg_sleep(6)" >/dev/null 2>&1 &
holder=$!
sleep 1
first_out=$(mktemp); second_out=$(mktemp); trap 'rm -f "$first_out" "$second_out"' EXIT
coordinator -c "SELECT count(*) FROM steam_rec.distribute()" >"$first_out" 2>&1 &
first=$!
# The first call waits on worker 2 before the second starts.
for _ in $(seq 100); do
  [ "$(worker2 -c "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")" = 0 ] || break
  sleep 0.1
done
coordinator -c "SELECT count(*) FROM steam_rec.distribute()" >"$second_out" 2>&1 &
second=$!
first_status=0; wait "$first" || first_status=$?
second_status=0; wait "$second" || second_status=$?
wait "$holder" || true
sed 's/^/  first:  /' "$first_out"; sed 's/^/  second: /' "$second_out"

assert_equal "the first call distributes the eleven tables" "0|11" "$first_status|$(tail -1 "$first_out")"
assert_equal "the second call waits, then finds them distributed and changes nothing" \
  "0|NOTICE:  steam_rec's tables are already distributed; nothing changed|11" \
  "$second_status|$(head -1 "$second_out")|$(tail -1 "$second_out")"
assert_equal "eleven Citus tables" "11" "$(coordinator -c "SELECT count(*) FROM pg_dist_partition")"
for node in coordinator worker1 worker2; do
  assert_equal "game_tags keeps its key to catalog_cache on the $node" "1" \
    "$("$node" -c "SELECT count(*) FROM pg_constraint WHERE conrelid = 'steam_rec.game_tags'::regclass
                                                     AND conname = 'game_tags_appid_fkey'")"
  assert_equal "no transaction is left prepared on the $node" "0" "$("$node" -c "SELECT count(*) FROM pg_prepared_xacts")"
done
assert_equal "every row is still there" "$rows" "$(coordinator -c "SELECT count(*) FROM steam_rec.user_games")"
