// itemknn trained from per-worker partial sums (the Citus path) is the model
// train() makes from all the rows: the players are split into parts, each
// part's totals and co-ownership sums are encoded, decoded and added, and
// the resulting neighbors, weights and popularity are compared.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/errors.hpp"
#include "core/game_sums.hpp"
#include "core/trainer.hpp"
#include "partial_sums_sample.hpp"

using namespace steam_rec::rec;

using namespace steam_rec::rec::partial_sums_test;

namespace {

void expect_same_model(const GameModel& a, const GameModel& b, const std::string& what) {
  ASSERT_EQ(a.appids, b.appids) << what;
  ASSERT_EQ(a.popularity.size(), b.popularity.size()) << what;
  for (std::size_t g = 0; g < a.popularity.size(); ++g) EXPECT_NEAR(a.popularity[g], b.popularity[g], 1e-6) << what;
  ASSERT_EQ(a.neighbors.offset, b.neighbors.offset) << what;
  EXPECT_EQ(a.neighbors.index, b.neighbors.index) << what;
  for (std::size_t p = 0; p < a.neighbors.value.size(); ++p)
    EXPECT_NEAR(a.neighbors.value[p], b.neighbors.value[p], 1e-6) << what;
  EXPECT_EQ(a.tags.index, b.tags.index) << what;
  EXPECT_EQ(a.tags.value, b.tags.value) << what;
  EXPECT_GT(a.neighbors.nonzeros(), 0) << what;
}

}  // namespace

TEST(ItemknnFromPartialSums, EqualsTheModelFromRowsForEveryWeighting) {
  const std::vector<Owned> rows = sample_rows();
  for (const char* weighting : {"bm25", "tfidf", "none"}) {
    for (double play_share : {0.0, 1.0}) {
      const TrainParams params = resolve_params("itemknn", {ParamValue{"weighting", true, 0, weighting},
                                                            ParamValue{"play_share_exponent", false, play_share, ""}});
      const GameModel whole = single_node(rows, params);
      for (int parts : {1, 2, 3}) {
        expect_same_model(
            from_parts(rows, parts, params), whole,
            std::string(weighting) + " play_share " + std::to_string(play_share) + " parts " + std::to_string(parts));
      }
    }
  }
}

TEST(ItemknnFromPartialSums, TotalsAddUpToTheWhole) {
  const std::vector<Owned> rows = sample_rows();
  OwnedTotals sum;
  add_totals(sum, owned_totals(rows_of(rows, 0, 2), InteractionWeight{1}));
  add_totals(sum, owned_totals(rows_of(rows, 1, 2), InteractionWeight{1}));
  const OwnedTotals whole = owned_totals(rows_of(rows, 0, 1), InteractionWeight{1});
  EXPECT_EQ(sum.players, whole.players);
  EXPECT_EQ(sum.interactions, whole.interactions);
  EXPECT_EQ(sum.appids, whole.appids);
  EXPECT_EQ(sum.owners, whole.owners);
  EXPECT_EQ(sum.played, whole.played);
}

TEST(ItemknnFromPartialSums, MalformedPartsAreRefused) {
  const std::vector<Owned> rows = sample_rows();
  const TrainParams params = resolve_params("itemknn", {});
  const TrainingSet set = rows_of(rows, 0, 1);
  const OwnedTotals totals = owned_totals(set, InteractionWeight{params.engagement_weight});
  const std::string part = co_ownership_part(set, params, totals, no_cancel);
  GameSums sums(totals.appids);
  EXPECT_THROW(sums.add_part(part.data(), part.size() - 3), steam_rec::InvalidArgument);
  EXPECT_THROW(sums.add_part("SRT1", 4), steam_rec::InvalidArgument);
  const std::string encoded = encode_totals(totals);
  EXPECT_THROW(decode_totals(encoded.data(), encoded.size() + 0 - 1), steam_rec::InvalidArgument);
  // A game owned here but missing from the totals: the rows changed between the passes.
  OwnedTotals fewer = totals;
  fewer.appids.pop_back();
  fewer.owners.pop_back();
  fewer.played.pop_back();
  fewer.weight_sums.pop_back();
  EXPECT_THROW(co_ownership_part(set, params, fewer, no_cancel), steam_rec::InvalidArgument);
  EXPECT_FALSE(trains_from_game_sums(resolve_params("ials", {})));
  EXPECT_TRUE(trains_from_game_sums(params));
}
