// iALS defaults did not transfer from evaluate() to the full tables: the
// regularization grew with every game of the catalog, although games known
// only from their tags have zero factors and add nothing to the unobserved
// part.  A lambda tuned on a small catalog then over-regularised a large one.
// Adding tag-only games must leave the fitted model (nearly) unchanged.
#include <gtest/gtest.h>

#include <cmath>

#include "core/algorithm_trainers.hpp"
#include "core/trainer.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// 60 players over 40 owned games in four taste groups; `extra` tag-only games
// after them.
TrainingSet catalog(int extra) {
  TrainingSet data;
  for (int p = 1; p <= 60; ++p)
    for (int g = 1; g <= 40; ++g)
      if ((g % 4 == p % 4 && (p + g) % 3 != 0) || (p * 7 + g * 3) % 17 == 0) data.add_owned(p, g, 0.5f);
  for (int g = 1; g <= 40 + extra; ++g) {
    data.add_game(g);
    data.add_tag(g, "group" + std::to_string(g % 4), 1);
  }
  data.finish(no_cancel);
  return data;
}

// The mean length of the owned games' factor rows.
double mean_norm(const GameModel& model) {
  double sum = 0;
  for (int g = 0; g < 40; ++g) sum += model.factors.row(g).norm();
  return sum / 40;
}

}  // namespace

TEST(IalsCatalogSize, TagOnlyGamesDoNotRaiseTheRegularization) {
  TrainParams params =
      resolve_params("ials", {ParamValue{"factors", false, 8, ""}, ParamValue{"regularization", false, 0.05, ""}});
  const GameModel small = train(catalog(0), params, no_cancel);
  const GameModel large = train(catalog(4000), params, no_cancel);
  ASSERT_EQ(large.games(), 4040);
  for (int g = 40; g < 4040; ++g) ASSERT_EQ(large.factors.row(g).norm(), 0.0f);
  // Their size must be the same, within 15% (and is exactly: the test below).
  const double a = mean_norm(small), b = mean_norm(large);
  EXPECT_NEAR(b / a, 1.0, 0.15) << "owned games' factor length: " << a << " with 40 games, " << b << " with 4,040";
}

TEST(IalsCatalogSize, FoldInCountsOnlyGamesWithFactors) {
  TrainParams params = resolve_params("ials", {ParamValue{"factors", false, 8, ""}});
  const GameModel large = train(catalog(4000), params, no_cancel);
  FoldIn fold_in = large.fold_in;
  fold_in.observed = 40;
  const std::int32_t games[] = {0, 4, 8};
  const float weights[] = {1, 1, 1};
  const Eigen::MatrixXf gram = large.factors.transpose() * large.factors;
  // The same player folded in against the 40 owned games alone, and against
  // all 4,040 rows with `observed` saying 40 have factors: the same vector.
  const Eigen::MatrixXf owned_only = large.factors.topRows(40);
  steam_rec::CancelCheck never;
  const Eigen::VectorXf a = fold_in_player(owned_only, gram, fold_in, games, weights, 3, never, nullptr);
  const Eigen::VectorXf b = fold_in_player(large.factors, gram, fold_in, games, weights, 3, never, nullptr);
  EXPECT_LT((a - b).norm(), 1e-5f * a.norm());
  EXPECT_GT(a.norm(), 0.0f);
}

// Only owned games draw a random start and enter the Gram matrices, so games
// known only from their tags change nothing: the owned games' factors are the
// same, bit for bit, whatever the catalog around them.
TEST(IalsCatalogSize, TagOnlyGamesLeaveTheOwnedGamesFactorsUnchanged) {
  TrainParams params = resolve_params("ials", {ParamValue{"factors", false, 8, ""}});
  const GameModel small = train(catalog(0), params, no_cancel);
  const GameModel large = train(catalog(4000), params, no_cancel);
  ASSERT_EQ(small.games(), 40);
  EXPECT_TRUE((small.factors.array() == large.factors.topRows(40).array()).all());
  EXPECT_GT(small.factors.cwiseAbs().sum(), 0.0f);
}
