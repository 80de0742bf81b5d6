#!/usr/bin/env bash
# What the re-ranker costs on a database's own tables: trains the hybrid
# without it (rerank_candidates 0) and with it (100, the default since SQL
# 1.7), alternately, and serves
# recommend(player, 10) for a fixed set of players from each model in fresh
# sessions (the image built first, then timed); prints the medians and their
# ratios (re-ranked / plain).  Usage:
#   bench/rerank_cost.sh <db> [rounds, default 3] [players, default 2000]
set -euo pipefail
db=$1 rounds=${2:-3} players=${3:-2000}
q() { psql -X -q -At -d "$db" -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" "$@"; }

train_seconds=() serve_ms=()
serve() {  # serve MODEL: milliseconds for $players calls, the image already built
  q -c "SELECT steam_rec.activate_model($1)" >/dev/null
  q -c "SELECT count(*) FROM steam_rec.recommend((SELECT min(steam_id) FROM steam_rec.users), 10)" >/dev/null
  psql -X -q -At -d "$db" -c "\\timing on" -c "
    SELECT count(*) FROM (SELECT steam_rec.recommend(u.steam_id, 10)
                            FROM (SELECT steam_id FROM steam_rec.users ORDER BY steam_id LIMIT $players) AS u) AS s" |
    sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
}
for round in $(seq "$rounds"); do
  for rerank in 0 100; do
    id=$(q -c "SELECT steam_rec.train('hybrid', '{\"rerank_candidates\": $rerank}')")
    train_seconds+=("$rerank $(q -c "SELECT seconds FROM steam_rec.models WHERE id = $id")")
    serve_ms+=("$rerank $(serve "$id")")
    q -c "DELETE FROM steam_rec.models WHERE id = $id AND NOT active" >/dev/null
  done
  echo "round $round done" >&2
done
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
report() {  # report NAME UNIT VALUES...
  local name=$1 unit=$2
  shift 2
  local plain reranked
  plain=$(printf '%s\n' "$@" | awk '$1 == 0 {print $2}' | median)
  reranked=$(printf '%s\n' "$@" | awk '$1 == 100 {print $2}' | median)
  printf '%-32s plain %10.2f %s   re-ranked %10.2f %s   ratio %.2fx\n' "$name" "$plain" "$unit" "$reranked" "$unit" \
    "$(awk -v a="$reranked" -v b="$plain" 'BEGIN {print a / b}')"
}
report "train('hybrid')" s "${train_seconds[@]}"
report "recommend() x $players" ms "${serve_ms[@]}"
