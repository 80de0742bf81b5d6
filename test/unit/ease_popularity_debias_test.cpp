// EASE with popularity debiasing: the weight into game j is divided by
// owners(j)^popularity_exponent, so a popular game needs more evidence than a
// niche one to be recommended.  0 leaves plain EASE.
#include <gtest/gtest.h>

#include <cmath>

#include "core/algorithm_trainers.hpp"
#include "core/neighbor_blend.hpp"
#include "stored_weight.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// Game 1 is owned with games 2 (popular: 40 owners) and 3 (niche: 8 owners).
TrainingSet data() {
  TrainingSet d;
  for (int p = 1; p <= 40; ++p) {
    d.add_owned(p, 2, 0);
    if (p <= 10) d.add_owned(p, 1, 0);
    if (p <= 6 || p == 30 || p == 31) d.add_owned(p, 3, 0);
    if (p % 2 == 0) d.add_owned(p, 4, 0);
  }
  for (int g = 1; g <= 4; ++g) d.add_game(g);
  d.finish(no_cancel);
  return d;
}

}  // namespace

TEST(EasePopularityDebias, DividesEachWeightByItsTargetsOwnersToTheExponent) {
  const TrainingSet d = data();
  const SparseRows plain = train_ease(d, resolve_params("ease", {ParamValue{"lambda", false, 1, ""}}), no_cancel);
  const SparseRows debiased = train_ease(
      d,
      resolve_params("ease", {ParamValue{"lambda", false, 1, ""}, ParamValue{"popularity_exponent", false, 0.5, ""}}),
      no_cancel);
  // Game numbers are positions: appid 1 is game 0, appid 2 game 1, appid 3 game 2.
  ASSERT_NE(stored_weight(plain, 0, 1), 0.0f);
  ASSERT_NE(stored_weight(plain, 0, 2), 0.0f);
  EXPECT_NEAR(stored_weight(debiased, 0, 1), stored_weight(plain, 0, 1) / std::sqrt(40.0f), 1e-5f);
  EXPECT_NEAR(stored_weight(debiased, 0, 2), stored_weight(plain, 0, 2) / std::sqrt(8.0f), 1e-5f);
}

TEST(EasePopularityDebias, ZeroIsPlainEase) {
  const TrainingSet d = data();
  const SparseRows plain = train_ease(d, resolve_params("ease", {}), no_cancel);
  const SparseRows zero =
      train_ease(d, resolve_params("ease", {ParamValue{"popularity_exponent", false, 0, ""}}), no_cancel);
  EXPECT_EQ(plain.index, zero.index);
  EXPECT_EQ(plain.value, zero.value);
}

// knn_weight blends itemknn's neighbors into EASE's, each scaled to a mean
// weight size of 1 first.
TEST(EaseKnnBlend, MixesBothMatricesByTheirMeanSize) {
  SparseRows a, b;
  a.offset = {0, 2, 2};
  a.index = {1, 2};
  a.value = {2.0f, -4.0f};  // mean size 3
  b.offset = {0, 1, 2};
  b.index = {2, 0};
  b.value = {0.5f, 0.5f};  // mean size 0.5
  const SparseRows m = blend_neighbors(a, b, 0.25);
  ASSERT_EQ(m.offset, (LargeArray<std::int64_t>{0, 2, 3}));
  EXPECT_EQ(m.index, (LargeArray<std::int32_t>{1, 2, 0}));
  EXPECT_NEAR(m.value[0], 0.75 * 2 / 3, 1e-6);
  EXPECT_NEAR(m.value[1], 0.75 * -4 / 3 + 0.25 * 1, 1e-6);
  EXPECT_NEAR(m.value[2], 0.25 * 1, 1e-6);
}
