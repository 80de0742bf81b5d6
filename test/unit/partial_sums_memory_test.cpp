// The memory estimates of training from partial sums bound what is really
// built: a worker's answer is never larger than the estimate counts it, the
// coordinator's estimate grows with the workers and holds EASE's dense
// matrix, and an answer over PostgreSQL's 1 GB value limit (as bytea or as
// its base64 text) is recognised.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/algorithm_registry.hpp"
#include "core/game_sums.hpp"
#include "core/partial_sums_memory.hpp"
#include "partial_sums_sample.hpp"

using namespace steam_rec::rec;
using namespace steam_rec::rec::partial_sums_test;

namespace {

OwnedTotals totals_of(const std::vector<TrainingSet>& sets, const TrainParams& params) {
  OwnedTotals totals;
  for (const TrainingSet& set : sets)
    add_totals(totals, owned_totals(set, InteractionWeight{params.engagement_weight}));
  return totals;
}

TEST(PartialSumsMemory, WorkerAnswerWithinItsEstimate) {
  const std::vector<Owned> rows = sample_rows();
  int checked = 0;
  for (const AlgorithmSpec& spec : algorithms()) {
    const char* algorithm = spec.name;
    const TrainParams params = resolve_params(algorithm, {});
    if (!needs_co_ownership_sums(params)) continue;  // totals only, or not from sums
    ++checked;
    std::vector<TrainingSet> sets;
    for (int part = 0; part < 2; ++part) sets.push_back(rows_of(rows, part, 2));
    const OwnedTotals totals = totals_of(sets, params);
    for (const TrainingSet& set : sets) {
      const std::string part = game_sums_part(set, params, totals, no_cancel);
      // The answer is held three times (encoded, bytea, base64 text at 4/3).
      EXPECT_LE(static_cast<double>(part.size()) * (2 + 4.0 / 3),
                worker_sums_memory_bytes(params, set) - 40.0 * static_cast<double>(set.interactions()))
          << algorithm;
    }
  }
  EXPECT_GE(checked, 4);  // itemknn, EASE, RP3beta and hybrid over EASE send game-pair sums
}

TEST(PartialSumsMemory, PairsBoundedByLibrariesAndByGames) {
  TrainingSet few;  // two players of 3 and 2 games: 6 + 3 pairs within libraries
  few.add_owned(1, 10, 1);
  few.add_owned(1, 11, 1);
  few.add_owned(1, 12, 1);
  few.add_owned(2, 10, 1);
  few.add_owned(2, 13, 1);
  few.finish(no_cancel);
  EXPECT_DOUBLE_EQ(co_owned_pairs_bound(few), 9);
  TrainingSet many;  // 50 players owning the same 4 games: 10 pairs of games
  for (int p = 1; p <= 50; ++p)
    for (int g = 1; g <= 4; ++g) many.add_owned(p, g, 1);
  many.finish(no_cancel);
  EXPECT_DOUBLE_EQ(co_owned_pairs_bound(many), 10);
}

TEST(PartialSumsMemory, CoordinatorEstimateGrowsWithWorkersAndHoldsEaseMatrix) {
  DataSize size;
  size.games = 5000;
  size.players = 100000;
  size.interactions = 10000000;
  const TrainParams itemknn = resolve_params("itemknn", {});
  const double pairs = game_pairs(5000);
  EXPECT_GT(coordinator_sums_memory_bytes(itemknn, size, 4, 4 * pairs),
            coordinator_sums_memory_bytes(itemknn, size, 2, 2 * pairs));
  // At least every answer as text and decoded: 12 bytes an entry, 7/3 times.
  EXPECT_GE(coordinator_sums_memory_bytes(itemknn, size, 2, 2 * pairs), 2 * pairs * 12 * 7 / 3);
  const TrainParams ease = resolve_params("ease", {});
  const double covered = std::min(5000.0, static_cast<double>(ease.max_games));
  EXPECT_GE(coordinator_sums_memory_bytes(ease, size, 2, 2 * pairs), 2 * covered * covered * 8);
  // Content needs the totals alone: no pairs counted.
  const TrainParams content = resolve_params("content", {});
  EXPECT_LT(coordinator_sums_memory_bytes(content, size, 2, 2 * pairs), 100.0 * 1024 * 1024);
}

TEST(PartialSumsMemory, AnswerOverOneGigabyteRecognised) {
  EXPECT_EQ(base64_text_bytes(3), 4u);
  EXPECT_EQ(base64_text_bytes(4), 8u);
  EXPECT_TRUE(answer_fits_one_value(1000));
  // rp3beta at M: about 870 MB per worker, 1.16 GB as base64 text.
  EXPECT_FALSE(answer_fits_one_value(870u * 1000 * 1000));
  const std::size_t largest = (kLargestValueBytes - 4) / 4 * 3;
  EXPECT_TRUE(answer_fits_one_value(largest));
  EXPECT_FALSE(answer_fits_one_value(largest + 3));
}

}  // namespace
