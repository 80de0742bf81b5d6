#!/usr/bin/env bash
# train() from per-worker partial sums counts what it holds against
# steam_rec.training_memory_limit, as the row path does: 2,000 games and 300
# players of 200 games each fit in 16 MB as rows, while every worker's
# answer of up to 2 million co-owned pairs, as text and decoded, does not.
# The coordinator refuses (54000, sizes named, both ways out in the hint)
# before asking any worker; each worker refuses against its own limit before
# it builds its part, and its SQLSTATE reaches the caller.  Nothing is stored.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/citus/citus_lib.sh

distributed_players_of_many_games

models="SELECT pg_catalog.count(*) FROM steam_rec.models"
# train_with MODE LIMIT: train('itemknn') with the path at MODE and the
# coordinator's limit at LIMIT; prints its output, errors verbose.
train_with() {
  coordinator -c "\\set VERBOSITY verbose" -c "SET steam_rec.train_from_partial_sums = $1" \
              -c "SET steam_rec.training_memory_limit = '$2'" -c "SELECT steam_rec.train('itemknn')" 2>&1 || true
}

refusal=$(train_with on 16MB)
assert_true "partial sums over 16 MB refused on the coordinator: 54000, the sizes named" \
  "grep -q 'ERROR:  54000: training itemknn from the partial sums of 2 workers on 2000 games and 300 players needs about [0-9]* MB on the coordinator, more than steam_rec.training_memory_limit (16 MB)' <<<\"\$refusal\""
assert_true "the hint names a limit that fits and the row path" \
  "grep -q \"HINT:  Raise the limit (SET steam_rec.training_memory_limit = '[0-9]*MB') .* SET steam_rec.train_from_partial_sums = off\" <<<\"\$refusal\""
assert_equal "nothing stored after the refusal" "0" "$(coordinator -c "$models")"
# 'auto' bounds the pairs by the players' libraries (a distributed count)
# when every pair of games would be more bytes than the rows, and pulls the
# rows here.
assert_true "'auto' over the same limit takes the rows, which fit" "train_with auto 16MB | grep -qx '[0-9][0-9]*'"
assert_equal "the row path stored its model" "1" "$(coordinator -c "$models")"

# A worker's own limit (its configuration: a caller's SET does not reach it).
on_node "$WORKER2_PORT" -d postgres -c "ALTER DATABASE steam_rec SET steam_rec.training_memory_limit = '16MB'"
refusal=$(train_with on 2GB)
assert_true "a worker over its own limit refuses before building its part, and its 54000 reaches the caller" \
  "grep -q \"ERROR:  54000: worker $CITUS_DIR:$WORKER2_PORT refused the partial sums: the partial sums of itemknn over this worker's 2000 games and [0-9]* players need about [0-9]* MB, more than its steam_rec.training_memory_limit (16 MB)\" <<<\"\$refusal\""
assert_equal "nothing stored after the worker's refusal" "1" "$(coordinator -c "$models")"
on_node "$WORKER2_PORT" -d postgres -c "ALTER DATABASE steam_rec RESET steam_rec.training_memory_limit"
assert_true "with room on every node the sums train" "train_with on 2GB | grep -qx '[0-9][0-9]*'"
assert_equal "and store their model" "2" "$(coordinator -c "$models")"
