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

coordinator -c "SELECT steam_rec.distribute()" >/dev/null
coordinator -f tools/sample_data.sql

on_node "$COORDINATOR_PORT" -d postgres -c "CREATE DATABASE single_node"
single() { psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$CITUS_DIR" -p "$COORDINATOR_PORT" -U postgres -d single_node "$@"; }
single -c "CREATE EXTENSION steam_rec"
single -f tools/sample_data.sql

# train_on_cluster MODE ALGORITHM PARAMS: trains on the coordinator with the
# setting at MODE; prints the path's log line (empty when rows were pulled).
train_on_cluster() {
  coordinator -c "SET steam_rec.train_from_partial_sums = $1" -c "SET client_min_messages = debug1" \
              -c "SELECT steam_rec.train('$2', '$3')" 2>&1 | grep -o 'from the partial sums of .*' || true
}

# The active model, one line per game: appid|popularity|neighbors|weights|tags|tag weights.
model="SELECT g.appid || '|' || g.popularity || '|' || g.neighbors::text || '|' || g.weights::text || '|' ||
              g.tags::text || '|' || g.tag_weights::text
         FROM steam_rec.model_games g JOIN steam_rec.models m ON m.id = g.model_id
        WHERE m.active ORDER BY g.appid"
counts="SELECT players || '|' || games || '|' || interactions FROM steam_rec.models WHERE active"

# same_model FILE_A FILE_B: 0 when the neighbor lists are equal and every
# weight and popularity is within 1e-6.
same_model() {
  python3 - "$1" "$2" <<'PY'
import sys
def rows(path):
    out = []
    for line in open(path).read().split('\n'):
        if not line: continue
        appid, pop, nb, w, tags, tw = line.split('|')
        nums = lambda s: [float(x) for x in s.strip('{}').split(',') if x]
        out.append((appid, float(pop), nb, nums(w), tags, nums(tw)))
    return out
a, b = rows(sys.argv[1]), rows(sys.argv[2])
bad = len(a) != len(b) or len(a) == 0 or sum(len(r[3]) for r in a) == 0
for x, y in zip(a, b):
    bad = bad or x[0] != y[0] or x[2] != y[2] or x[4] != y[4] or abs(x[1] - y[1]) > 1e-6
    bad = bad or len(x[3]) != len(y[3]) or any(abs(p - q) > 1e-6 for p, q in zip(x[3], y[3]))
    bad = bad or any(abs(p - q) > 1e-6 for p, q in zip(x[5], y[5]))
    if bad:
        print('first difference at appid', x[0], 'cluster', x, 'single', y, file=sys.stderr)
        break
print(1 if bad else 0)
PY
}

one=$(mktemp); two=$(mktemp); list_one=$(mktemp); list_two=$(mktemp)
trap 'rm -f "$one" "$two" "$list_one" "$list_two"' EXIT
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
  assert_equal "itemknn $params: the same players, games and owned games as the single node" \
    "$(single -c "$counts")" "$(coordinator -c "$counts")"
done

# recommend() from the last model for every 10th player: same lists.
players=$(single -c "SELECT string_agg(steam_id::text, ' ' ORDER BY steam_id) FROM
                       (SELECT steam_id, row_number() OVER (ORDER BY steam_id) AS n FROM steam_rec.users) AS p
                      WHERE n % 10 = 1")
compared=0
for player in $players; do
  query="SELECT rank || '|' || appid || '|' || score FROM steam_rec.recommend($player, 10) ORDER BY rank"
  single -c "$query" >"$list_one"
  coordinator -c "$query" >"$list_two"
  if ! cmp -s <(cut -d'|' -f1,2 "$list_one") <(cut -d'|' -f1,2 "$list_two") || [ ! -s "$list_one" ] ||
     ! paste -d'|' "$list_one" "$list_two" | awk -F'|' '{ d = $3 - $6; if (d < 0) d = -d; if (d > 1e-5) exit 1 }'; then
    echo "player $player: single node / cluster"; paste "$list_one" "$list_two"
    assert_true "player $player: the same list" "false"
  fi
  compared=$((compared + 1))
done
assert_true "$compared sampled players: recommend() gives the single node's lists (appids, order, scores within 1e-5)" \
  "[ $compared -ge 15 ]"

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
