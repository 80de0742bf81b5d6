#!/usr/bin/env bash
# train() from per-worker partial sums counts the distinct tag names on top of
# what the coordinator holds for the sums: each name is a string in the
# training set and in the model, far above the 40 bytes a tag row counts.
# 2,000 games and 300 players need about 309 MB as EASE's partial sums; with
# 320 MB they fit, 150,000 distinct names of 100 characters beside them do
# not, and are refused (54000, the names' share in the detail) before
# anything is stored.  Few names on the same rows train.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

distributed_players_of_many_games
coordinator >/dev/null <<'SQL'
INSERT INTO steam_rec.catalog_cache (appid, name) SELECT g, 'Game ' || g FROM generate_series(1, 2000) AS g;
INSERT INTO steam_rec.game_tags (appid, tag_name, position)
SELECT 1 + t % 2000, rpad('tag ' || t, 100, '.'), 1 + t / 2000 FROM generate_series(0, 149999) AS t;
SQL

models="SELECT pg_catalog.count(*) FROM steam_rec.models"
# train_ease LIMIT: train('ease') from the partial sums with the coordinator's
# limit at LIMIT, without the catalog's facts; prints its output, errors verbose.
train_ease() {
  coordinator -c "\\set VERBOSITY verbose" -c "SET steam_rec.train_from_partial_sums = on" \
              -c "SET steam_rec.training_memory_limit = '$1'" \
              -c "SELECT steam_rec.train('ease', '{\"catalog_name_weight\": 0, \"catalog_studio_weight\": 0, \"catalog_series_weight\": 0}')" 2>&1 || true
}

refusal=$(train_ease 320MB)
assert_true "the sums and the names over 320 MB: refused, 54000, the names' share in the detail" \
  "grep -q 'ERROR:  54000: training ease on 2000 games and 300 players needs about [0-9]* MB, more than steam_rec.training_memory_limit (320 MB)' <<<\"\$refusal\" && grep -q 'DETAIL:  The distinct tag names of steam_rec.game_tags take about [0-9]* MB of it.' <<<\"\$refusal\""
assert_equal "nothing stored after the refusal" "0" "$(coordinator -c "$models")"

# The same rows with 75 names between them (each game has each once).
coordinator -c "UPDATE steam_rec.game_tags SET tag_name = rpad('tag ' || (position - 1), 100, '.')" >/dev/null
assert_true "with few names the sums fit in 320 MB and train" "train_ease 320MB | grep -qx '[0-9][0-9]*'"
assert_equal "and store their model" "1" "$(coordinator -c "$models")"
