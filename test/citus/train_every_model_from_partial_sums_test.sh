#!/usr/bin/env bash
# Every model the partial sums can train (each algorithm but iALS, and hybrid
# over each base the sums serve), trained on the Citus cluster from
# per-worker partial sums, is the single node's model: the same neighbours
# and content neighbours in the same order, weights within 1e-6, popularity
# within 1e-6, the same tags, and the same recommend() lists (appids and
# order; scores within 1e-5) for 20 players.  rp3beta and ease add float sums
# in another order than a single node (unit test models_from_partial_sums:
# their weights differ by at most a few units in the last place of a float).
# The sample is small, so the path is forced (train_from_partial_sums = on).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

sample_on_cluster_and_single_node

players=$(single -c "SELECT string_agg(steam_id::text, ' ' ORDER BY steam_id) FROM
                       (SELECT steam_id, row_number() OVER (ORDER BY steam_id) AS n FROM steam_rec.users) AS p
                      WHERE n % 10 = 1 AND n <= 200")

one=$(mktemp); two=$(mktemp)
trap 'rm -f "$one" "$two"' EXIT

# check ALGORITHM PARAMS NEIGHBOURS CONTENT: trains both sides, compares the
# models and 20 players' lists; NEIGHBOURS / CONTENT say whether the model
# has (non-empty) neighbour / content lists.
check() {
  local algorithm=$1 params=$2 what="$1 $2"
  local path
  path=$(coordinator -c "SET steam_rec.train_from_partial_sums = on" -c "SET client_min_messages = debug1" \
                     -c "SELECT steam_rec.train('$algorithm', '$params')" 2>&1 |
         grep -o 'from the partial sums of .*' || true)
  echo "  $what on the cluster: $path"
  assert_true "$what: trained from the partial sums of both workers" \
    "grep -q 'from the partial sums of 2 workers, [0-9]* bytes received' <<<'$path'"
  single -c "SELECT steam_rec.train('$algorithm', '$(params_stored_by coordinator)')" >/dev/null
  coordinator -c "$model" >"$one"
  single -c "$model" >"$two"
  assert_equal "$what: the same neighbours, content neighbours, weights, tags and popularity (within 1e-6)" \
    "0" "$(same_model "$one" "$two")"
  assert_equal "$what: neighbour lists present as expected" "$3" "$([ "$(entries "$two" 4)" -gt 0 ] && echo yes || echo no)"
  assert_equal "$what: content lists present as expected" "$4" "$([ "$(entries "$two" 6)" -gt 0 ] && echo yes || echo no)"
  assert_equal "$what: the same algorithm, players, games and owned games" \
    "$(single -c "$counts")" "$(coordinator -c "$counts")"
  assert_equal "$what: recommend() gives the single node's lists for 20 players (compared|differing)" \
    "20|0" "$(same_lists $players)"
}

check popularity '{}' no no
check content '{}' no yes
check rp3beta '{}' yes no
check rp3beta '{"rp3_alpha": 0.5, "rp3_beta": 0.3, "play_share_exponent": 1}' yes no
check ease '{}' yes no
check ease '{"max_games": 12, "knn_weight": 0.3, "rp3_weight": 0.2}' yes no
check hybrid '{}' yes yes
check hybrid '{"new_game_weight": 1}' yes yes
check hybrid '{"base": "itemknn"}' yes yes
check hybrid '{"base": "rp3beta"}' yes yes

# iALS stays single-node: it pulls the rows whatever the setting.
path=$(coordinator -c "SET steam_rec.train_from_partial_sums = on" -c "SET client_min_messages = debug1" \
                   -c "SELECT steam_rec.train('ials', '{\"iterations\": 2}')" 2>&1 | grep -o 'from the partial sums of .*' || true)
assert_equal "ials pulls the rows even with the setting on" "" "$path"

# The re-ranker is not stored on a cluster (model_rerankers is not one of
# distribute()'s reference tables): asked for, it is refused (0A000) before
# anything is read or stored.
models_before=$(coordinator -c "SELECT count(*) FROM steam_rec.models")
refusal=$(coordinator -c "\\set VERBOSITY verbose" \
                      -c "SELECT steam_rec.train('hybrid', '{\"rerank_candidates\": 30}')" 2>&1 || true)
assert_true "a re-ranked hybrid is refused on the cluster: 0A000" \
  "grep -q 'ERROR:  0A000: train: rerank_candidates 30: a Citus cluster does not store the re-ranker' <<<\"\$refusal\""
assert_equal "nothing stored" "$models_before" "$(coordinator -c "SELECT count(*) FROM steam_rec.models")"

# 'auto' weighs each algorithm's answer against the rows: popularity and
# content send only per-game totals (28 bytes a game per worker), fewer bytes
# than the sample's rows (16 a row), so they take the sums.
for algorithm in popularity content; do
  path=$(coordinator -c "SET steam_rec.train_from_partial_sums = auto" -c "SET client_min_messages = debug1" \
                     -c "SELECT steam_rec.train('$algorithm')" 2>&1 | grep -o 'from the partial sums of .*' || true)
  assert_true "$algorithm: 'auto' takes the totals, fewer bytes than the rows" \
    "grep -q 'from the partial sums of 2 workers' <<<'$path'"
done

# A worker asked for the second pass of an algorithm that trains from the
# totals alone refuses it (22023), as for any argument it cannot use.
refusal=$(worker1 -c "\\set VERBOSITY verbose" \
                  -c "SELECT steam_rec.co_ownership_sums('content', '{}', steam_rec.owned_game_totals('content'))" 2>&1 || true)
assert_true "co_ownership_sums('content') on a worker: 22023, content trains from the totals alone" \
  "grep -q 'ERROR:  22023: .*content trains from the totals alone' <<<\"\$refusal\""
