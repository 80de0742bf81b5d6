#!/usr/bin/env bash
# train() called on a worker (Citus lets a client connect to any node) trains
# and activates a model that every worker serves, and the coordinator's next
# train() stores another beside it.  Before, the worker ran it without the
# sequential mode distribute() had set on the coordinator only, and Citus
# refused its write of steam_rec.models ("cannot modify table "models" because
# there was a parallel operation on a distributed table").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

coordinator -c "SELECT steam_rec.distribute()" >/dev/null
coordinator -f tools/sample_data.sql
player=$(coordinator -c "SELECT min(steam_id) FROM steam_rec.users")

out=$(mktemp); trap 'rm -f "$out"' EXIT
status=0; worker1 -c "SELECT steam_rec.train('itemknn')" >"$out" 2>&1 || status=$?
head -2 "$out" | sed 's/^/  /'
assert_equal "train() on worker 1 succeeds" "0" "$status"
model=$(tail -1 "$out")
assert_equal "its model is the active one on every node" "$model|$model|$model" \
  "$(coordinator -c "SELECT id FROM steam_rec.models WHERE active")|$(worker1 -c "SELECT id FROM steam_rec.models WHERE active")|$(worker2 -c "SELECT id FROM steam_rec.models WHERE active")"
assert_equal "recommend() through the coordinator serves from it" "5" \
  "$(coordinator -c "SELECT count(*) FROM steam_rec.recommend($player, 5)")"
status=0; coordinator -c "SELECT steam_rec.train('popularity')" >"$out" 2>&1 || status=$?
head -2 "$out" | sed 's/^/  /'
assert_equal "the coordinator's next train() stores a second model" "0|2" \
  "$status|$(coordinator -c "SELECT count(DISTINCT id) FROM steam_rec.models")"
