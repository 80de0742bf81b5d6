// Every model the Citus path trains from per-worker partial sums
// (trains_from_game_sums()) is the model train() makes from all the rows,
// with the players split into 1, 2 and 3 parts.  Tags, popularity and
// content neighbours come from the totals alone and match exactly;
// neighbours from game-pair sums match in games and order, weights
// within kWeightTolerance: rp3beta adds its walk sums in double across parts
// where a single node adds them in float, and ease's X'X is added in a
// different order before it is inverted.
#include <gtest/gtest.h>

#include <string>

#include "core/errors.hpp"
#include "core/game_sums.hpp"
#include "core/trainer.hpp"
#include "partial_sums_sample.hpp"

using namespace steam_rec::rec;
using namespace steam_rec::rec::partial_sums_test;

namespace {

constexpr double kWeightTolerance = 1e-6;

void expect_same_rows(const SparseRows& a, const SparseRows& b, const std::string& what) {
  ASSERT_EQ(a.offset, b.offset) << what;
  EXPECT_EQ(a.index, b.index) << what;
  for (std::size_t p = 0; p < a.value.size() && p < b.value.size(); ++p)
    EXPECT_NEAR(a.value[p], b.value[p], kWeightTolerance) << what << " entry " << p;
}

void expect_same_model(const GameModel& a, const GameModel& b, const std::string& what) {
  ASSERT_EQ(a.appids, b.appids) << what;
  ASSERT_EQ(a.popularity.size(), b.popularity.size()) << what;
  for (std::size_t g = 0; g < a.popularity.size(); ++g) EXPECT_NEAR(a.popularity[g], b.popularity[g], 1e-6) << what;
  EXPECT_EQ(a.tags.index, b.tags.index) << what;
  EXPECT_EQ(a.tags.value, b.tags.value) << what;
  expect_same_rows(a.neighbors, b.neighbors, what + " neighbors");
  EXPECT_EQ(a.content_neighbors.offset, b.content_neighbors.offset) << what;
  EXPECT_EQ(a.content_neighbors.index, b.content_neighbors.index) << what;
  EXPECT_EQ(a.content_neighbors.value, b.content_neighbors.value) << what;
  EXPECT_EQ(a.blend.collaborative, b.blend.collaborative) << what;
  EXPECT_EQ(a.blend.content, b.blend.content) << what;
}

void expect_same_for_parts(const char* algorithm, const std::vector<ParamValue>& values, bool has_neighbors) {
  const std::vector<Owned> rows = sample_rows();
  const TrainParams params = resolve_params(algorithm, values);
  ASSERT_TRUE(trains_from_game_sums(params)) << algorithm;
  const GameModel whole = single_node(rows, params);
  EXPECT_EQ(whole.neighbors.nonzeros() > 0, has_neighbors) << algorithm;
  std::string what = algorithm;
  for (const ParamValue& v : values) what += " " + v.key + "=" + (v.is_text ? v.text : std::to_string(v.number));
  for (int parts : {1, 2, 3})
    expect_same_model(from_parts(rows, parts, params), whole, what + " parts " + std::to_string(parts));
}

ParamValue number(const char* key, double value) { return ParamValue{key, false, value, ""}; }
ParamValue text(const char* key, const char* value) { return ParamValue{key, true, 0, value}; }

}  // namespace

TEST(ModelsFromPartialSums, PopularityFromTheTotals) { expect_same_for_parts("popularity", {}, false); }

TEST(ModelsFromPartialSums, ContentFromTheTotals) {
  expect_same_for_parts("content", {}, false);
  expect_same_for_parts("content", {number("tag_popularity_exponent", 0)}, false);
}

TEST(ModelsFromPartialSums, Rp3betaFromWalkSums) {
  expect_same_for_parts("rp3beta", {}, true);
  expect_same_for_parts("rp3beta",
                        {number("rp3_alpha", 0.5), number("rp3_beta", 0.3), number("play_share_exponent", 1)}, true);
}

TEST(ModelsFromPartialSums, EaseFromGramSums) {
  expect_same_for_parts("ease", {}, true);  // with the catalog's facts in the Gram (the defaults)
  expect_same_for_parts("ease", {number("catalog_studio_weight", 0), number("catalog_series_weight", 5)}, true);
  // Fewer games covered than owned: the covered ones are chosen from the totals.
  expect_same_for_parts("ease", {number("max_games", 20), number("popularity_exponent", 0.5)}, true);
  expect_same_for_parts("ease", {number("knn_weight", 0.3), number("rp3_weight", 0.2)}, true);
}

TEST(ModelsFromPartialSums, HybridOverEveryNeighbourBase) {
  expect_same_for_parts("hybrid", {}, true);
  expect_same_for_parts("hybrid", {number("new_game_weight", 1)}, true);
  for (const char* base : {"itemknn", "rp3beta"}) expect_same_for_parts("hybrid", {text("base", base)}, true);
}

TEST(ModelsFromPartialSums, IalsStaysOnRows) {
  EXPECT_FALSE(trains_from_game_sums(resolve_params("ials", {})));
  EXPECT_FALSE(trains_from_game_sums(resolve_params("hybrid", {text("base", "ials")})));
  EXPECT_FALSE(needs_co_ownership_sums(resolve_params("content", {})));
  EXPECT_TRUE(needs_co_ownership_sums(resolve_params("hybrid", {})));
}

// A forged EASE section naming a game outside the max_games EASE covers is
// refused when the model is built, not silently left out of X'X.
TEST(ModelsFromPartialSums, EaseSectionOutsideTheCoveredGamesIsRefused) {
  const std::vector<Owned> rows = sample_rows();
  const TrainParams params = resolve_params("ease", {number("max_games", 2)});
  const TrainingSet set = rows_of(rows, 0, 1);
  const OwnedTotals totals = owned_totals(set, InteractionWeight{params.engagement_weight});
  TrainingSet catalog;
  add_tags(catalog);
  for (std::int32_t appid : totals.appids) catalog.add_game(appid);
  catalog.finish(no_cancel);
  // Every game pairs with itself: the itemknn section's diagonal relabelled.
  std::string forged = co_ownership_part(set, params, totals, no_cancel);
  forged[2] = 'E';
  GameSums sums(catalog.appids());
  sums.add_part(forged.data(), forged.size());
  EXPECT_THROW(train_from_game_sums(catalog, totals, sums, params, no_cancel), steam_rec::InvalidArgument);
}
