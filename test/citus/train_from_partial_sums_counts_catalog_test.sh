#!/usr/bin/env bash
# train() from per-worker partial sums counts the catalog's facts on top of
# what the coordinator holds for the sums, not on top of the rows' smaller
# estimate: 2,000 games and 300 players of 200 games each need about 67 MB
# as rows and about 309 MB as EASE's partial sums.  With 320 MB the sums
# fit; a catalog of about 100 MB beside them does not, and is refused
# (54000, the catalog's share in the detail) before anything is stored.
# Counted against the rows it fitted, and the training went on.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

distributed_players_of_many_games
coordinator >/dev/null <<'SQL'
-- 1,200 games named by 340 two-letter words each (the 1 kB read).
INSERT INTO steam_rec.catalog_cache (appid, name)
SELECT g, (SELECT string_agg(chr(97 + (g + w) % 26) || chr(97 + (g + w) / 26 % 26), ' ')
             FROM generate_series(0, 339) AS w)
  FROM generate_series(1, 1200) AS g;
SQL

models="SELECT pg_catalog.count(*) FROM steam_rec.models"
without_catalog='{"catalog_name_weight": 0, "catalog_studio_weight": 0, "catalog_series_weight": 0}'
# train_ease LIMIT PARAMS: train('ease', PARAMS) from the partial sums with
# the coordinator's limit at LIMIT; prints its output, errors verbose.
train_ease() {
  coordinator -c "\\set VERBOSITY verbose" -c "SET steam_rec.train_from_partial_sums = on" \
              -c "SET steam_rec.training_memory_limit = '$1'" -c "SELECT steam_rec.train('ease', '$2')" 2>&1 || true
}

refusal=$(train_ease 200MB "$without_catalog")
assert_true "the premise: EASE's partial sums need about 309 MB on the coordinator, the rows about 67 MB" \
  "grep -q 'needs about 309 MB on the coordinator.*' <<<\"\$refusal\" && grep -q 'pulling the rows needs about 68 MB' <<<\"\$refusal\""
refusal=$(train_ease 320MB '{}')
assert_true "the sums and the catalog over 320 MB: refused, 54000, the catalog's share in the detail" \
  "grep -q 'ERROR:  54000: training ease on 2000 games and 300 players needs about [0-9]* MB, more than steam_rec.training_memory_limit (320 MB)' <<<\"\$refusal\" && grep -q 'DETAIL:  The facts of steam_rec.catalog_cache take about [0-9]* MB of it.' <<<\"\$refusal\""
assert_equal "nothing stored after the refusal" "0" "$(coordinator -c "$models")"
assert_true "without the catalog the sums fit in 320 MB and train" "train_ease 320MB '$without_catalog' | grep -qx '[0-9][0-9]*'"
assert_equal "and store their model" "1" "$(coordinator -c "$models")"
