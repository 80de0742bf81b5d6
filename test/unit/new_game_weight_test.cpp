// new_game_weight: a game nobody owns gets collaborative weights from the
// owned games most like it by tags, so a new game is ranked by what the
// player's games point at, not only by the player's own games' tags.
#include <gtest/gtest.h>

#include "core/algorithm_registry.hpp"
#include "core/recommender.hpp"
#include "core/trainer.hpp"
#include "stored_weight.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// Players 1-6 own games 1 and 2 together; players 7-9 own 3 and 4 together.
// Every game has a tag of its own except that new game 10 shares game 2's
// (Shooter) and new game 11 shares game 4's (Logic).  Tag-wise, game 1 is
// like neither new game; collaboratively it leads to game 2, which is like 10.
TrainingSet data() {
  TrainingSet d;
  for (int p = 1; p <= 6; ++p) {
    d.add_owned(p, 1, 0.5f);
    d.add_owned(p, 2, 0.5f);
  }
  for (int p = 7; p <= 9; ++p) {
    d.add_owned(p, 3, 0.5f);
    d.add_owned(p, 4, 0.5f);
  }
  d.add_tag(1, "Arena", 1);
  d.add_tag(2, "Shooter", 1);
  d.add_tag(3, "Puzzle", 1);
  d.add_tag(4, "Logic", 1);
  d.add_tag(10, "Shooter", 1);
  d.add_tag(11, "Logic", 1);
  d.finish(no_cancel);
  return d;
}

TrainParams hybrid(double new_game_weight) {
  return resolve_params(
      "hybrid",
      {ParamValue{"base", true, 0, "itemknn"}, ParamValue{"tag_popularity_exponent", false, 0, ""},
       ParamValue{"new_game_weight", false, new_game_weight, ""}, ParamValue{"tag_ridge_weight", false, 0, ""}});
}

// Game numbers by ascending appid: 1, 2, 3, 4, 10, 11 -> 0..5.
constexpr std::int32_t kGame1 = 0, kGame2 = 1, kGame10 = 4, kGame11 = 5;

}  // namespace

TEST(NewGameWeight, IsOnByDefault) { EXPECT_EQ(TrainParams{}.new_game_weight, 1.0f); }

TEST(NewGameWeight, WithoutItNoNeighbourWeightLeadsToANewGame) {
  const GameModel model = train(data(), hybrid(0), no_cancel);
  for (std::int32_t g = 0; g < 4; ++g) {
    EXPECT_EQ(stored_weight(model.neighbors, g, kGame10), 0.0f);
    EXPECT_EQ(stored_weight(model.neighbors, g, kGame11), 0.0f);
  }
}

TEST(NewGameWeight, ANewGameBorrowsItsTagNeighboursWeights) {
  const GameModel model = train(data(), hybrid(0.5), no_cancel);
  // Game 10's only tag neighbour among owned games is game 2 (share 1).
  ASSERT_GT(stored_weight(model.neighbors, kGame1, kGame2), 0.0f);
  EXPECT_NEAR(stored_weight(model.neighbors, kGame1, kGame10), 0.5f * stored_weight(model.neighbors, kGame1, kGame2),
              1e-6);
  // Game 1 never leads to game 4, so not to game 11 either.
  EXPECT_EQ(stored_weight(model.neighbors, kGame1, kGame11), 0.0f);
  // Owned games' own weights are kept.
  const GameModel plain = train(data(), hybrid(0), no_cancel);
  EXPECT_EQ(stored_weight(model.neighbors, kGame1, kGame2), stored_weight(plain.neighbors, kGame1, kGame2));
}

TEST(NewGameWeight, RanksTheNewGameThePlayersGamesLeadTo) {
  RankRequest request;
  request.games.push_back(PlayerGame{1, 0.5f});
  request.k = 1;
  request.exclude_appids = {2, 3, 4};  // rank the new games only
  // By tags alone game 1 is like neither new game: the order is the tie order.
  Recommender plain(train(data(), hybrid(0), no_cancel));
  Recommender borrowed(train(data(), hybrid(0.5), no_cancel));
  const std::vector<Recommendation> list = borrowed.rank(request);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].appid, 10);
  EXPECT_GT(list[0].score, plain.rank(request)[0].score);
}
