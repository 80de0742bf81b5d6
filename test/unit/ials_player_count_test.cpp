// iALS regularises each row with
//   regularization * (its interactions + unobserved_weight * |other side|)^exponent.
// With the former defaults (0.02, exponent 1) a game's term grew with every
// player, so a regularization chosen on evaluate()'s 3,726 players shrank the
// games' factors on the full tables' 12,393, most of whom own few games.  The
// defaults since 1.6 (5, exponent 0.25) grow with the fourth root; a model
// stored before keeps the form it was trained with when it is folded in.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/algorithm_registry.hpp"
#include "core/algorithm_trainers.hpp"
#include "core/train_params.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {
namespace {

steam_rec::CancelCheck no_cancel;

// 60 players over 40 games in four taste groups, and `light` more players
// owning one game each (the many small libraries of the full tables).
TrainingSet players(int light) {
  TrainingSet data;
  for (int p = 1; p <= 60; ++p)
    for (int g = 1; g <= 40; ++g)
      if ((g % 4 == p % 4 && (p + g) % 3 != 0) || (p * 7 + g * 3) % 17 == 0) data.add_owned(p, g, 0.5f);
  for (int p = 61; p <= 60 + light; ++p) data.add_owned(p, 1 + p % 40, 0.5f);
  for (int g = 1; g <= 40; ++g) {
    data.add_game(g);
    data.add_tag(g, "group" + std::to_string(g % 4), 1);
  }
  data.finish(no_cancel);
  return data;
}

double mean_factor_length(const GameModel& model) {
  double sum = 0;
  for (int g = 0; g < model.games(); ++g) sum += model.factors.row(g).norm();
  return sum / model.games();
}

// Four games' factors; the player owns games 0 and 2 with weights 1 and 2.
Eigen::MatrixXf four_games() {
  Eigen::MatrixXf factors(4, 2);
  factors << 1, 0, 0, 1, 1, 1, 0.5f, -0.5f;
  return factors;
}
const std::int32_t games[] = {0, 2};
const float weights[] = {1, 2};

// The player folded in with `fold_in`.
Eigen::VectorXf folded(const FoldIn& fold_in) {
  const Eigen::MatrixXf factors = four_games();
  const Eigen::MatrixXf gram = factors.transpose() * factors;
  steam_rec::CancelCheck never;
  return fold_in_player(factors, gram, fold_in, games, weights, 2, never, nullptr);
}

// x = (u G + lambda I + sum (c - u) y y')^-1 sum c y, with lambda given.
Eigen::VectorXf by_hand(const FoldIn& fold_in, float lambda) {
  const Eigen::MatrixXf factors = four_games();
  Eigen::MatrixXf a = fold_in.unobserved_weight * (factors.transpose() * factors);
  a.diagonal().array() += lambda;
  Eigen::VectorXf b = Eigen::VectorXf::Zero(2);
  for (int p = 0; p < 2; ++p) {
    const Eigen::VectorXf y = factors.row(games[p]).transpose();
    const float c = 1 + fold_in.alpha * weights[p];
    a += (c - fold_in.unobserved_weight) * y * y.transpose();
    b += c * y;
  }
  return a.ldlt().solve(b);
}

}  // namespace

// 140 more players who own one game each (3.3x the players, as the full
// tables hold against evaluate()'s): the games' factors keep their size
// within 5% with the defaults (1.02x).  With exponent 1 and 0.02, the
// defaults before, they shrank to 0.91x.
TEST(IalsPlayerCount, LightPlayersDoNotShrinkTheGamesFactors) {
  const TrainParams params = resolve_params("ials", {ParamValue{"factors", false, 8, ""}});
  const double few = mean_factor_length(train(players(0), params, no_cancel));
  const double many = mean_factor_length(train(players(140), params, no_cancel));
  EXPECT_NEAR(many / few, 1.0, 0.05) << "games' factor length: " << few << " with 60 players, " << many << " with 200";
}

TEST(IalsPlayerCount, DefaultsAreTheScaleFreeForm) {
  const TrainParams params = resolve_params("ials", {});
  EXPECT_FLOAT_EQ(params.regularization, 5.0f);
  EXPECT_FLOAT_EQ(params.exponent, 0.25f);
  const TrainParams over_ials = resolve_params("hybrid", {ParamValue{"base", true, 0, "ials"}});
  EXPECT_FLOAT_EQ(over_ials.regularization, 5.0f);
  EXPECT_FLOAT_EQ(over_ials.exponent, 0.25f);
}

// A model stored before 1.6 has both keys (every model records every
// parameter), and is folded in with them; one without them reads as the
// former defaults, and so does train() in a database whose SQL predates 1.6.
TEST(IalsPlayerCount, StoredModelFoldsInWithTheFormItWasTrainedWith) {
  const TrainParams stored =
      restore_params("ials", {ParamValue{"regularization", false, 0.02, ""}, ParamValue{"exponent", false, 1, ""}});
  GameModel model;
  apply_serving_settings(stored, model);
  EXPECT_FLOAT_EQ(model.fold_in.regularization, 0.02f);
  EXPECT_FLOAT_EQ(model.fold_in.exponent, 1.0f);
  model.fold_in.observed = 4;
  // lambda = 0.02 * (2 owned + 0.5 * 4 games)^1
  const Eigen::VectorXf x = folded(model.fold_in);
  EXPECT_LT((x - by_hand(model.fold_in, 0.02f * 4)).norm(), 1e-5f * x.norm());

  for (const TrainParams& older :
       {restore_params("ials", {}), resolve_params("ials", {}, Defaults::of_sql(1, 5)),
        resolve_params("hybrid", {ParamValue{"base", true, 0, "ials"}}, Defaults::of_sql(1, 5))}) {
    EXPECT_FLOAT_EQ(older.regularization, 0.02f);
    EXPECT_FLOAT_EQ(older.exponent, 1.0f);
  }
  // There both keys are still stored: that SQL has them.
  int kept = 0;
  for (const ParamValue& value :
       describe_params(resolve_params("ials", {}, Defaults::of_sql(1, 5)), Defaults::of_sql(1, 5)))
    if (value.key == "regularization" || value.key == "exponent") ++kept;
  EXPECT_EQ(kept, 2);
  // A value given still wins over the former default.
  EXPECT_FLOAT_EQ(resolve_params("ials", {ParamValue{"exponent", false, 0.5, ""}}, Defaults::of_sql(1, 5)).exponent,
                  0.5f);
}

TEST(IalsPlayerCount, TodaysModelFoldsInWithTheFourthRoot) {
  GameModel model;
  apply_serving_settings(resolve_params("ials", {}), model);
  model.fold_in.observed = 4;
  // lambda = 5 * (2 owned + 0.5 * 4 games)^0.25
  const Eigen::VectorXf x = folded(model.fold_in);
  EXPECT_LT((x - by_hand(model.fold_in, 5.0f * std::pow(4.0f, 0.25f))).norm(), 1e-5f * x.norm());
}

}  // namespace steam_rec::rec
