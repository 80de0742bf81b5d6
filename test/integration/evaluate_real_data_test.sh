#!/usr/bin/env bash
# The quality bar on the real Steam data (../shared/data/steam, or
# STEAM_REC_DATA): evaluate() with its defaults, seeded, so the numbers are the
# same on every run.  Skipped, with a message, when the data is not there.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/test/lib/assert.sh"
source "$root/test/lib/real_data.sh"
db=steam_rec_evaluate
load_real_data_or_skip $db "evaluate on the real data"

psql_in $db <<'SQL'
CREATE TABLE owned AS SELECT * FROM steam_rec.evaluate();
CREATE TABLE engaged AS SELECT * FROM steam_rec.evaluate('{hybrid}', target => 'engaged');
SQL
psql -X -q -d $db -c "SELECT 'owned' AS target, * FROM owned UNION ALL SELECT 'engaged', * FROM engaged"
value() { psql_value $db "$1"; }
assert_true "the default reaches Recall@20 >= 0.58 (owned)" "[ $(value "SELECT recall >= 0.58 FROM owned WHERE algorithm = 'hybrid'") = t ]"
assert_true "the default reaches NDCG@20 >= 0.50 (owned)" "[ $(value "SELECT ndcg >= 0.50 FROM owned WHERE algorithm = 'hybrid'") = t ]"
assert_true "the default's Recall@20 is at least 1.9x popularity's (owned)" \
  "[ $(value "SELECT h.recall >= 1.9 * p.recall FROM owned AS h, owned AS p WHERE h.algorithm = 'hybrid' AND p.algorithm = 'popularity'") = t ]"
assert_true "the default is within 2% of the best algorithm (owned)" \
  "[ $(value "SELECT h.recall >= 0.98 * (SELECT max(recall) FROM owned) FROM owned AS h WHERE h.algorithm = 'hybrid'") = t ]"
assert_true "the default's Recall@20 is at least 1.5x popularity's (engaged)" \
  "[ $(value "SELECT h.recall >= 1.5 * p.recall FROM engaged AS h, engaged AS p WHERE h.algorithm = 'hybrid' AND p.algorithm = 'popularity'") = t ]"
assert_equal "evaluate() stored nothing" "0" "$(value "SELECT count(*) FROM steam_rec.models")"
