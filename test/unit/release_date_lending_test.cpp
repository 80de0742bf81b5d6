// Release dates in the lendings: every weight an owned game lends a new game
// shrinks with the years between their release dates.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/catalog_lending.hpp"
#include "core/target_factors.hpp"
#include "core/trainer.hpp"
#include "stored_weight.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// Owned: "Old Game" (1, released day 0) and "Undated" (2, no date); new:
// "Near Game" (10, one year later), "Far Game" (11, eight years later) and
// "Unknown Game" (12, no date).  No studio, series or word in common.
TrainingSet data() {
  TrainingSet d;
  for (int p = 1; p <= 4; ++p) {
    d.add_owned(p, 1, 0.5f);
    d.add_owned(p, 2, 0.5f);
  }
  for (int appid : {1, 2, 10, 11, 12}) d.add_tag(appid, "Puzzle", 1);
  d.add_catalog(1, "Studio A", "Publisher A", "Alpha", 0);
  d.add_catalog(2, "Studio B", "Publisher B", "Bravo");
  d.add_catalog(10, "Studio C", "Publisher C", "Charlie", 365);
  d.add_catalog(11, "Studio D", "Publisher D", "Delta", 8 * 365);
  d.add_catalog(12, "Studio E", "Publisher E", "Echo");
  d.finish(no_cancel);
  return d;
}

constexpr std::int32_t kOld = 0, kUndated = 1, kNear = 2, kFar = 3, kUnknown = 4;

// Both owned games lend weight 1 to every new game, as tag lendings would.
SparseRows lent_rows() { return rows_lending_one(5, {kOld, kUndated}, {kNear, kFar, kUnknown}); }

double nearness(double days, double scale) { return std::exp(-days / 365.25 / scale); }

}  // namespace

TEST(ReleaseDateLendings, EachGameKnowsItsReleaseYearsOrNaN) {
  const TrainingSet d = data();
  const std::vector<double>& years = d.release_years_by_game();
  ASSERT_EQ(years.size(), 5u);
  EXPECT_DOUBLE_EQ(years[kOld], 0);
  EXPECT_DOUBLE_EQ(years[kNear], 365 / 365.25);
  EXPECT_TRUE(std::isnan(years[kUndated]));
  EXPECT_TRUE(std::isnan(years[kUnknown]));
}

TEST(ReleaseDateLendings, EveryLentWeightShrinksWithTheYearsApart) {
  const TrainingSet d = data();
  SparseRows rows = lent_rows();
  add_catalog_lendings(d, owner_counts(d), CatalogWeights{0, 0, 0, 4}, 50, rows, no_cancel);
  EXPECT_NEAR(stored_weight(rows, kOld, kNear), nearness(365, 4), 1e-6);
  EXPECT_NEAR(stored_weight(rows, kOld, kFar), nearness(8 * 365, 4), 1e-6);
  EXPECT_GT(stored_weight(rows, kOld, kNear), stored_weight(rows, kOld, kFar));
}

TEST(ReleaseDateLendings, AnUnknownDateLeavesTheWeight) {
  const TrainingSet d = data();
  SparseRows rows = lent_rows();
  add_catalog_lendings(d, owner_counts(d), CatalogWeights{0, 0, 0, 4}, 50, rows, no_cancel);
  EXPECT_FLOAT_EQ(stored_weight(rows, kOld, kUnknown), 1);
  for (std::int32_t n : {kNear, kFar, kUnknown}) EXPECT_FLOAT_EQ(stored_weight(rows, kUndated, n), 1) << n;
}

TEST(ReleaseDateLendings, TheCatalogsWeightsShrinkToo) {
  TrainingSet d;
  for (int p = 1; p <= 4; ++p) d.add_owned(p, 1, 0.5f);
  for (int appid : {1, 10, 11}) d.add_tag(appid, "Puzzle", 1);
  d.add_catalog(1, "Same Studio", "", "Alpha", 0);
  d.add_catalog(10, "Same Studio", "", "Charlie", 2 * 365);
  d.add_catalog(11, "Same Studio", "", "Delta", 6 * 365);
  d.finish(no_cancel);
  // The owned game lends 1 to the first new game only; the studio reaches both.
  SparseRows rows;
  rows.offset = {0, 1, 1, 1};
  rows.index = {1};
  rows.value = {1.0f};
  add_catalog_lendings(d, owner_counts(d), CatalogWeights{3, 0, 0, 8}, 50, rows, no_cancel);
  EXPECT_NEAR(stored_weight(rows, 0, 1), (1 + 3) * nearness(2 * 365, 8), 1e-5);
  EXPECT_NEAR(stored_weight(rows, 0, 2), 3 * nearness(6 * 365, 8), 1e-5);
}

// The factor comes before the row keeps its `count` new games: a far one
// drops out.
TEST(ReleaseDateLendings, TheNearestAreKept) {
  const TrainingSet d = data();
  SparseRows rows = lent_rows();
  add_catalog_lendings(d, owner_counts(d), CatalogWeights{0, 0, 0, 4}, 2, rows, no_cancel);
  EXPECT_GT(stored_weight(rows, kOld, kNear), 0.0f);
  EXPECT_GT(stored_weight(rows, kOld, kUnknown), 0.0f);
  EXPECT_EQ(stored_weight(rows, kOld, kFar), 0.0f);
}

TEST(ReleaseDateLendings, ScaleZeroChangesNothing) {
  const TrainingSet d = data();
  const SparseRows before = lent_rows();
  SparseRows rows = lent_rows();
  add_catalog_lendings(d, owner_counts(d), CatalogWeights{0, 0, 0, 0}, 50, rows, no_cancel);
  EXPECT_EQ(rows.index, before.index);
  EXPECT_EQ(rows.value, before.value);
}

TEST(ReleaseDateLendings, DefaultAndUse) {
  EXPECT_EQ(TrainParams{}.release_years_scale, 8.0f);
  const std::vector<ParamValue> catalog_off = {
      ParamValue{"studio_weight", false, 0, ""},         ParamValue{"series_weight", false, 0, ""},
      ParamValue{"name_word_weight", false, 0, ""},      ParamValue{"catalog_name_weight", false, 0, ""},
      ParamValue{"catalog_studio_weight", false, 0, ""}, ParamValue{"catalog_series_weight", false, 0, ""}};
  // The dates alone use the catalog; with them off too, nothing does.
  EXPECT_TRUE(uses_catalog(resolve_params("hybrid", catalog_off)));
  EXPECT_TRUE(uses_release_dates(resolve_params("hybrid", catalog_off)));
  std::vector<ParamValue> all_off = catalog_off;
  all_off.push_back(ParamValue{"release_years_scale", false, 0, ""});
  EXPECT_FALSE(uses_catalog(resolve_params("hybrid", all_off)));
  EXPECT_FALSE(uses_release_dates(resolve_params("hybrid", all_off)));
  // EASE alone reads the catalog for its Gram, never the dates: it lends new games nothing.
  EXPECT_TRUE(uses_catalog(resolve_params("ease", {})));
  EXPECT_FALSE(uses_release_dates(resolve_params("ease", {})));
  // Every algorithm's parameters carry the default; only a hybrid over a
  // neighbour base lends new games weights to weigh by the dates.
  EXPECT_EQ(resolve_params("itemknn", {}).release_years_scale, 8.0f);
  EXPECT_FALSE(uses_release_dates(resolve_params("itemknn", {})));
  EXPECT_FALSE(uses_release_dates(resolve_params("hybrid", {ParamValue{"base", true, 0, "ials"}})));
  // A model stored before reads it as 0.
  EXPECT_EQ(restore_params("hybrid", {}).release_years_scale, 0.0f);
}
