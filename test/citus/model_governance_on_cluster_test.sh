#!/usr/bin/env bash
# Model governance runs on a Citus cluster, where model_governance and models
# are reference tables: pin_model() and unpin_model() through the coordinator
# and a worker, prune_models() keeping a pinned model, and model_report() of a
# model that is not active giving the single node's report.  Before, Citus
# refused pin_model()'s upsert (now() in DO UPDATE SET), unpin_model()'s
# VOLATILE id check in WHERE, model_report()'s list statistics (an SQL function
# whose parameter reached user_games) and its switch of the active model after
# reading the player shards in parallel.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

sample_on_cluster_and_single_node
for node in coordinator single; do
  "$node" -c "SELECT steam_rec.train('itemknn'), steam_rec.train('popularity')" >/dev/null
done
itemknn=$(coordinator -c "SELECT id FROM steam_rec.models WHERE algorithm = 'itemknn'")
single_itemknn=$(single -c "SELECT id FROM steam_rec.models WHERE algorithm = 'itemknn'")

# Everything but the id, the training time, the seconds it took and the rows
# added or deleted since (a cluster does not count them: docs/citus.md).
report="SELECT algorithm, params, active, pinned, training_rows, players, games, size_bytes, compared_players,
               top10_changed_share, coverage, active_coverage, mean_popularity_rank, active_mean_popularity_rank,
               new_players, new_games, played_rows
          FROM steam_rec.model_report(%s, 200)"
# shellcheck disable=SC2059
cluster_report=$(coordinator -c "$(printf "$report" "$itemknn")")
# shellcheck disable=SC2059
single_report=$(single -c "$(printf "$report" "$single_itemknn")")
assert_equal "model_report() of the model that is not active equals the single node's" \
  "$single_report" "$cluster_report"
assert_true "the report compared lists that differ" \
  "[ \"\$(coordinator -c 'SELECT top10_changed_share > 0 FROM steam_rec.model_report($itemknn, 200)')\" = t ]"
assert_equal "the report left the active model active" "popularity" \
  "$(coordinator -c "SELECT algorithm FROM steam_rec.models WHERE active")"

coordinator -c "SELECT steam_rec.pin_model($itemknn, 'the first')" >/dev/null
coordinator -c "SELECT steam_rec.pin_model($itemknn, 'the baseline')" >/dev/null
assert_equal "a second pin replaces the note, seen on a worker" "t|the baseline" \
  "$(worker1 -c "SELECT pinned, pin_note FROM steam_rec.model_governance WHERE model_id = $itemknn")"
assert_equal "prune_models() keeps the pinned model" "0" \
  "$(coordinator -c "SELECT count(*) FROM steam_rec.prune_models(0)" 2>/dev/null)"

worker2 -c "SELECT steam_rec.unpin_model($itemknn)" >/dev/null
assert_equal "unpin_model() through a worker, seen on the coordinator" "f||" \
  "$(coordinator -c "SELECT pinned, pinned_at, pin_note FROM steam_rec.model_governance WHERE model_id = $itemknn")"
assert_equal "prune_models() through a worker deletes it once unpinned" "itemknn" \
  "$(worker1 -c "SELECT algorithm FROM steam_rec.prune_models(0)" 2>/dev/null)"
assert_equal "its governance row went with it on every node" "0|0|0" \
  "$(coordinator -c "SELECT count(*) FROM steam_rec.model_governance WHERE model_id = $itemknn")|$(worker1 -c "SELECT count(*) FROM steam_rec.model_governance WHERE model_id = $itemknn")|$(worker2 -c "SELECT count(*) FROM steam_rec.model_governance WHERE model_id = $itemknn")"
out=$(coordinator -c "SELECT steam_rec.pin_model($itemknn)" 2>&1 || true)
assert_true "pinning the deleted model is refused with its id" "grep -q 'model $itemknn does not exist' <<<\"\$out\""
