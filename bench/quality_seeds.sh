#!/usr/bin/env bash
# Candidates over seeds: runs evaluate() for each candidate (label, algorithm,
# params) on each seed, on the validation split and/or the test split, and
# stores the rows in bench_quality of database $1; prints mean and standard
# deviation per candidate.  Usage:
#   bench/quality_seeds.sh <db> <seeds, e.g. "1 2 3 4 5"> <target> <splits: "true" (validation), "false" (test) or both>
#                          <label>=<algorithm>=<params-json> ...
set -euo pipefail
db=$1 seeds=$2 target=$3 splits=$4
shift 4
psql -X -q -d "$db" -c "CREATE TABLE IF NOT EXISTS bench_quality(candidate text, algorithm text, params jsonb,
  target text, validation boolean, seed int, recall real, ndcg real, hit_rate real, coverage real,
  PRIMARY KEY (candidate, target, validation, seed))"
for candidate in "$@"; do
  label=${candidate%%=*} rest=${candidate#*=}
  algorithm=${rest%%=*} params=${rest#*=}
  for seed in $seeds; do
    for validation in $splits; do
      psql -X -q -d "$db" -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "
        INSERT INTO bench_quality
        SELECT '$label', algorithm, '$params'::jsonb, '$target', $validation, $seed, recall, ndcg, hit_rate, coverage
          FROM steam_rec.evaluate(ARRAY['$algorithm'], seed => $seed, target => '$target', validation => $validation,
                                  params => jsonb_build_object('$algorithm', '$params'::jsonb))
         WHERE algorithm = '$algorithm'
        ON CONFLICT (candidate, target, validation, seed) DO UPDATE
          SET recall = excluded.recall, ndcg = excluded.ndcg, hit_rate = excluded.hit_rate, coverage = excluded.coverage"
    done
  done
done
psql -X -d "$db" -c "
  SELECT candidate, target, validation, count(*) AS seeds,
         round(avg(recall)::numeric, 4) AS recall, round(stddev(recall)::numeric, 4) AS recall_sd,
         round(avg(ndcg)::numeric, 4) AS ndcg, round(stddev(ndcg)::numeric, 4) AS ndcg_sd
    FROM bench_quality GROUP BY 1, 2, 3 ORDER BY 2, 3 DESC, 5 DESC"
