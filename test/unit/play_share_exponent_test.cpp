// play_share_exponent: the weights into a game are multiplied by the share of
// its owners who ever played it, to the exponent, so games most owners never
// start rank lower for 'engaged' recommendations.
#include <gtest/gtest.h>

#include <cmath>

#include "core/algorithm_registry.hpp"
#include "core/recommender.hpp"
#include "core/target_factors.hpp"
#include "core/trainer.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// 20 players own game 1; 8 of them also own game 2 and play it; 10 own
// game 3, of which only 2 ever played it (engagement 0 = never played).
TrainingSet data() {
  TrainingSet d;
  for (int p = 1; p <= 20; ++p) {
    d.add_owned(p, 1, 0.5f);
    if (p <= 8) d.add_owned(p, 2, 0.5f);
    if (p <= 10) d.add_owned(p, 3, p <= 2 ? 0.5f : 0.0f);
  }
  for (int g = 1; g <= 3; ++g) d.add_game(g);
  d.finish(no_cancel);
  return d;
}

std::int32_t first_for_owner_of_game_1(const TrainParams& params) {
  Recommender r(train(data(), params, no_cancel));
  RankRequest request;
  request.k = 1;
  request.games = {PlayerGame{1, 0.5f}};
  return r.rank(request).at(0).appid;
}

}  // namespace

TEST(PlayShareExponent, FactorIsThePlayedShareToTheExponent) {
  const std::vector<double> factor = played_share_factors(data(), 2);
  EXPECT_DOUBLE_EQ(factor[0], 1.0);
  EXPECT_DOUBLE_EQ(factor[1], 1.0);
  EXPECT_NEAR(factor[2], 0.04, 1e-12);  // (2 / 10)^2
}

TEST(PlayShareExponent, RanksTheGameOwnersPlayFirst) {
  // Game 3 shares more owners with game 1, so every neighbour model puts it
  // first; weighed by the share who play it, game 2 comes first.
  // Every algorithm that takes the parameter (the neighbour models).
  int tried = 0;
  for (const AlgorithmSpec& spec : algorithms()) {
    std::string ignored;
    if (spec.default_base != nullptr || !lists_parameter(spec, *find_parameter("play_share_exponent"), &ignored))
      continue;
    const char* algorithm = spec.name;
    ++tried;
    const TrainParams plain = resolve_params(algorithm, {});
    const TrainParams played = resolve_params(algorithm, {ParamValue{"play_share_exponent", false, 1, ""}});
    EXPECT_EQ(first_for_owner_of_game_1(plain), 3) << algorithm;
    EXPECT_EQ(first_for_owner_of_game_1(played), 2) << algorithm;
    const GameModel model = train(data(), played, no_cancel);
    const GameModel base = train(data(), plain, no_cancel);
    // Every weight into game 3 is a fifth of what it was; the others are unchanged.
    for (std::size_t p = 0; p < model.neighbors.index.size(); ++p) {
      const float ratio = model.neighbors.value[p] / base.neighbors.value[p];
      EXPECT_NEAR(ratio, model.neighbors.index[p] == 2 ? 0.2f : 1.0f, 1e-5f) << algorithm;
    }
  }
  EXPECT_EQ(tried, 3);  // the three neighbour models
}

TEST(PlayShareExponent, ZeroChangesNothing) {
  const GameModel a = train(data(), resolve_params("ease", {}), no_cancel);
  const GameModel b =
      train(data(), resolve_params("ease", {ParamValue{"play_share_exponent", false, 0, ""}}), no_cancel);
  EXPECT_EQ(a.neighbors.value, b.neighbors.value);
}
