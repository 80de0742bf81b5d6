#!/usr/bin/env bash
# train('itemknn') on the Citus cluster from per-worker partial sums (each
# worker sums over its own shards, the coordinator adds them) gives the
# single node's model: the same neighbors in the same order, weights and
# popularity within 1e-6, the same counts, and the same recommend() lists.
# The sample is small, so the path is forced (steam_rec.train_from_partial_sums
# = on); 'off' pulls the rows, and an algorithm the sums cannot train pulls
# them too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

sample_on_cluster_and_single_node

# train_on_cluster MODE ALGORITHM PARAMS: trains on the coordinator with the
# setting at MODE; prints the path's log line (empty when rows were pulled).
train_on_cluster() {
  coordinator -c "SET steam_rec.train_from_partial_sums = $1" -c "SET client_min_messages = debug1" \
              -c "SELECT steam_rec.train('$2', '$3')" 2>&1 | grep -o 'from the partial sums of .*' || true
}

one=$(mktemp); two=$(mktemp)
trap 'rm -f "$one" "$two"' EXIT
for params in '{}' '{"weighting": "tfidf"}' '{"weighting": "none", "play_share_exponent": 1}'; do
  path=$(train_on_cluster on itemknn "$params")
  echo "  itemknn $params on the cluster: $path"
  assert_true "itemknn $params: trained from the partial sums of both workers" \
    "grep -q 'from the partial sums of 2 workers, [0-9]* bytes received' <<<'$path'"
  single -c "SELECT steam_rec.train('itemknn', '$params')" >/dev/null
  coordinator -c "$model" >"$one"
  single -c "$model" >"$two"
  assert_equal "itemknn $params: the same neighbors, weights and popularity (within 1e-6) as the single node" \
    "0" "$(same_model "$one" "$two")"
  assert_true "itemknn $params: the model has neighbours" "[ $(entries "$two" 4) -gt 0 ]"
  assert_equal "itemknn $params: the same players, games and owned games as the single node" \
    "$(single -c "$counts")" "$(coordinator -c "$counts")"
done

# recommend() from the last model for every 10th player: same lists.
players=$(single -c "SELECT string_agg(steam_id::text, ' ' ORDER BY steam_id) FROM
                       (SELECT steam_id, row_number() OVER (ORDER BY steam_id) AS n FROM steam_rec.users) AS p
                      WHERE n % 10 = 1")
lists=$(same_lists $players)
assert_true "${lists%|*} sampled players: recommend() gives the single node's lists (appids, order, scores within 1e-5)" \
  "[ ${lists%|*} -ge 15 ] && [ ${lists#*|} = 0 ]"

# The rows path: 'off' pulls the rows and gives the same model.
path=$(train_on_cluster off itemknn '{}')
assert_equal "with the setting off, itemknn pulls the rows" "" "$path"
single -c "SELECT steam_rec.train('itemknn')" >/dev/null
coordinator -c "$model" >"$one"
single -c "$model" >"$two"
assert_equal "the model from the rows equals the single node's too" "0" "$(same_model "$one" "$two")"
# An algorithm the sums cannot train pulls the rows whatever the setting.
assert_equal "ials pulls the rows even with the setting on" "" "$(train_on_cluster on ials '{"iterations": 2}')"

# The worker functions refuse where there are no shards.
refusal=$(single -c "\\set VERBOSITY verbose" -c "SELECT steam_rec.owned_game_totals('itemknn')" 2>&1 || true)
assert_true "owned_game_totals() without Citus: 55000, saying where it runs" \
  "grep -q 'ERROR:  55000: steam_rec.owned_game_totals() reads the shards of user_games on a Citus worker' <<<\"\$refusal\""
