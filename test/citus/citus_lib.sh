# Helpers for the Citus tests: source it.  CITUS_ENV names the env file
# tools/citus_cluster.sh wrote (ports and socket directory of the cluster).
# shellcheck disable=SC1090
. "$CITUS_ENV"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"

# on_node PORT [psql args...]: psql into database steam_rec on one node.
on_node() {
  local port=$1; shift
  psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$CITUS_DIR" -p "$port" -U postgres -d steam_rec "$@"
}
coordinator() { on_node "$COORDINATOR_PORT" "$@"; }
worker1() { on_node "$WORKER1_PORT" "$@"; }
worker2() { on_node "$WORKER2_PORT" "$@"; }

# For the tests that stop or start a node's server themselves.
BIN=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }

# single [psql args...]: psql into database single_node of the coordinator's
# server, a single-node steam_rec without citus (made by the function below).
single() { on_node "$COORDINATOR_PORT" -d single_node "$@"; }

# sample_on_cluster_and_single_node [ALGORITHM]: the same data on both sides of
# a comparison: distributes the tables on the cluster and loads
# tools/sample_data.sql there, creates the single_node database with steam_rec
# and loads the same sample; with ALGORITHM, trains it on both.
sample_on_cluster_and_single_node() {
  coordinator -c "SELECT steam_rec.distribute()" >/dev/null
  coordinator -f tools/sample_data.sql
  on_node "$COORDINATOR_PORT" -d postgres -c "CREATE DATABASE single_node"
  single -c "CREATE EXTENSION steam_rec"
  single -f tools/sample_data.sql
  if [ -n "${1:-}" ]; then
    coordinator -c "SELECT steam_rec.train('$1')" >/dev/null
    single -c "SELECT steam_rec.train('$1', '$(params_stored_by coordinator)')" >/dev/null
  fi
}

# params_stored_by NODE: the parameters of NODE's active model.  A single
# node trained with the cluster's trains the same model: left out, the
# re-ranker is the hybrid's default on a single node but not on a cluster,
# which does not store it.
params_stored_by() {
  "$1" -c "SELECT params FROM steam_rec.models WHERE active"
}

# Comparing a model trained on the cluster with the single node's.
# model: the active model, one line per game: appid|popularity|neighbors|weights|
# content neighbors|content weights|tags|tag weights.
model="SELECT g.appid || '|' || g.popularity || '|' || g.neighbors::text || '|' || g.weights::text || '|' ||
              g.content_neighbors::text || '|' || g.content_weights::text || '|' ||
              g.tags::text || '|' || g.tag_weights::text
         FROM steam_rec.model_games g JOIN steam_rec.models m ON m.id = g.model_id
        WHERE m.active ORDER BY g.appid"
# counts: the active model's algorithm and sizes.
counts="SELECT algorithm || '|' || players || '|' || games || '|' || interactions FROM steam_rec.models WHERE active"

# same_model FILE_A FILE_B: prints 0 when the lists are equal and every weight
# and popularity is within 1e-6, else 1 (and the first difference on stderr).
same_model() {
  python3 - "$1" "$2" <<'PY'
import sys
def rows(path):
    out = []
    for line in open(path).read().split('\n'):
        if not line: continue
        f = line.split('|')
        nums = lambda s: [float(x) for x in s.strip('{}').split(',') if x]
        out.append((f[0], [float(f[1])], f[2], nums(f[3]), f[4], nums(f[5]), f[6], nums(f[7])))
    return out
def near(x, y):
    return len(x) == len(y) and all(abs(p - q) <= 1e-6 for p, q in zip(x, y))
a, b = rows(sys.argv[1]), rows(sys.argv[2])
bad = len(a) != len(b) or len(a) == 0
for x, y in zip(a, b):
    if x[0] != y[0] or x[2] != y[2] or x[4] != y[4] or x[6] != y[6] or not all(near(x[k], y[k]) for k in (1, 3, 5, 7)):
        print('first difference at appid', x[0], 'cluster', x, 'single', y, file=sys.stderr)
        bad = True
        break
print(1 if bad else 0)
PY
}

# entries FILE COLUMN: the number of weights (4) or content weights (6) in a model file.
entries() { awk -F'|' -v c="$2" '{ n += gsub(/,/, ",", $c) + ($c != "{}") } END { print n + 0 }' "$1"; }

# same_lists PLAYER...: compares each player's recommend() top 10 on the
# cluster with the single node's (the same appids in the same order, scores
# within 1e-5, float sums being added in another order; an empty list counts
# as different), shows the lists that differ, and prints "compared|differing".
same_lists() {
  local player query on_single on_cluster compared=0 differ=0
  on_single=$(mktemp); on_cluster=$(mktemp)
  for player in "$@"; do
    query="SELECT rank || '|' || appid || '|' || score FROM steam_rec.recommend($player, 10) ORDER BY rank"
    single -c "$query" >"$on_single"
    coordinator -c "$query" >"$on_cluster"
    if ! cmp -s <(cut -d'|' -f1,2 "$on_single") <(cut -d'|' -f1,2 "$on_cluster") || [ ! -s "$on_single" ] ||
       ! paste -d'|' "$on_single" "$on_cluster" | awk -F'|' '{ d = $3 - $6; if (d < 0) d = -d; if (d > 1e-5) exit 1 }'; then
      echo "player $player: single node / cluster" >&2; paste "$on_single" "$on_cluster" >&2
      differ=$((differ + 1))
    fi
    compared=$((compared + 1))
  done
  rm -f "$on_single" "$on_cluster"
  echo "$compared|$differ"
}

# distributed_players_of_many_games: distributes the tables and adds 300
# players owning about 200 of 2,000 games each, whose co-owned game pairs are
# far more than their rows (the partial sums' worst case).
distributed_players_of_many_games() {
  coordinator -c "SELECT steam_rec.distribute()" >/dev/null
  coordinator >/dev/null <<'SQL'
INSERT INTO steam_rec.users (steam_id, username)
SELECT 76561197960265728 + p, 'player_' || p FROM generate_series(1, 300) AS p;
INSERT INTO steam_rec.user_games (user_steam_id, appid, playtime_hours)
SELECT 76561197960265728 + p, g, (abs(hashint4(p * 31 + g)) % 50)::float8
  FROM generate_series(1, 300) AS p, generate_series(1, 2000) AS g
 WHERE abs(hashint4(p * 104729 + g)) % 10 = 0;
SQL
}
