// tag_popularity_exponent: a game nobody owns is liked, through the content
// neighbours, in proportion to the popularity of its tags (the sum over its
// tags of the owners of the games carrying them), to the exponent, relative to
// the most popular new game.  Games someone owns keep their likeness.
#include <gtest/gtest.h>

#include <cmath>

#include "core/algorithm_registry.hpp"
#include "core/target_factors.hpp"
#include "core/trainer.hpp"
#include "stored_weight.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// Game 1 (tags Action, Indie) has 9 owners, game 2 (Puzzle, Indie) 1 owner.
// New games, nobody owns them: 10 (Action, Indie) and 11 (Puzzle, Indie).
TrainingSet data() {
  TrainingSet d;
  for (int p = 1; p <= 9; ++p) d.add_owned(p, 1, 0.5f);
  d.add_owned(10, 2, 0.5f);
  for (int g : {1, 2, 10, 11}) d.add_game(g);
  d.add_tag(1, "Action", 1);
  d.add_tag(1, "Indie", 2);
  d.add_tag(2, "Puzzle", 1);
  d.add_tag(2, "Indie", 2);
  d.add_tag(10, "Action", 1);
  d.add_tag(10, "Indie", 2);
  d.add_tag(11, "Puzzle", 1);
  d.add_tag(11, "Indie", 2);
  d.finish(no_cancel);
  return d;
}

}  // namespace

TEST(NewGameTagPopularity, IsOnByDefault) { EXPECT_EQ(TrainParams{}.tag_popularity_exponent, 1.0f); }

TEST(NewGameTagPopularity, FactorIsTheNewGamesTagPopularityOverTheLargest) {
  // Action 9, Puzzle 1, Indie 10: game 10 scores 19, game 11 scores 11.
  const std::vector<double> factor = new_game_tag_popularity_factors(data(), 1);
  EXPECT_DOUBLE_EQ(factor[0], 1.0);
  EXPECT_DOUBLE_EQ(factor[1], 1.0);
  EXPECT_DOUBLE_EQ(factor[2], 1.0);
  EXPECT_NEAR(factor[3], 11.0 / 19, 1e-12);
}

TEST(NewGameTagPopularity, ScalesTheContentWeightsIntoNewGamesOnly) {
  const TrainingSet d = data();
  const GameModel plain =
      train(d, resolve_params("hybrid", {ParamValue{"tag_popularity_exponent", false, 0, ""}}), no_cancel);
  const GameModel weighed =
      train(d, resolve_params("hybrid", {ParamValue{"tag_popularity_exponent", false, 2, ""}}), no_cancel);
  // From game 2 (owned): into game 11 (new) by (11/19)^2; into game 1 (owned) unchanged.
  ASSERT_GT(stored_weight(plain.content_neighbors, 1, 3), 0.0f);
  EXPECT_NEAR(stored_weight(weighed.content_neighbors, 1, 3),
              stored_weight(plain.content_neighbors, 1, 3) * std::pow(11.0 / 19, 2), 1e-6);
  EXPECT_NEAR(stored_weight(weighed.content_neighbors, 1, 2), stored_weight(plain.content_neighbors, 1, 2), 1e-7);
  EXPECT_EQ(stored_weight(weighed.content_neighbors, 1, 0), stored_weight(plain.content_neighbors, 1, 0));
}
