// One score scale: recommend() (new games ranked by their tags),
// similar_games() and evaluate() (every score) scale the collaborative part by
// the same number, 1 / the largest final score of a game somebody owned.
// Before, the last two used the largest partial sum met while summing, which
// with EASE's negative weights depends on the order of the player's games, and
// counted the weights lent to new games.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/algorithm_registry.hpp"
#include "core/recommender.hpp"
#include "core/trainer.hpp"
#include "stored_weight.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// Strategy games 10-13 and shooters 20-23, owned in overlapping sets so that
// EASE learns negative weights between them; 30 and 31 are new games (tags
// only) like the strategy games and the shooters.
TrainingSet data() {
  TrainingSet d;
  const std::int32_t strategy[] = {10, 11, 12, 13}, shooters[] = {20, 21, 22, 23};
  for (int p = 0; p < 24; ++p) {
    const std::int32_t* mine = p % 2 == 0 ? strategy : shooters;
    const std::int32_t* other = p % 2 == 0 ? shooters : strategy;
    for (int g = 0; g < 4; ++g)
      if ((p / 2 + g) % 4 != 0) d.add_owned(p + 1, mine[g], 0.2f + 0.1f * static_cast<float>(g));
    if (p % 3 == 0) d.add_owned(p + 1, other[p % 4], 0.9f);
  }
  for (std::int32_t appid : {10, 11, 12, 13, 30}) d.add_tag(appid, "Strategy", 1);
  for (std::int32_t appid : {20, 21, 22, 23, 31}) d.add_tag(appid, "FPS", 1);
  d.add_tag(10, "Economy", 2);
  d.add_tag(30, "Economy", 2);
  d.add_tag(21, "Arena", 2);
  d.add_tag(31, "Arena", 2);
  d.finish(no_cancel);
  return d;
}

// Game 1 is owned with game 3 by 15 players, with game 2 by 5; game 2 also
// with game 4 by 6: games 2 and 3 are substitutes, EASE weighs 2 -> 3
// negatively.  Summed in the order 1, 2, game 3's score peaks above every
// final score before game 2's row pulls it down.
TrainingSet substitutes() {
  TrainingSet d;
  for (int p = 1; p <= 20; ++p) {
    d.add_owned(p, 1, 0.5f);
    d.add_owned(p, p <= 15 ? 3 : 2, 0.5f);
  }
  for (int p = 21; p <= 26; ++p) {
    d.add_owned(p, 2, 0.5f);
    d.add_owned(p, 4, 0.5f);
  }
  d.finish(no_cancel);
  return d;
}

Recommender trained(const std::string& algorithm, std::vector<ParamValue> params) {
  return Recommender(train(data(), resolve_params(algorithm, params), no_cancel));
}

RankRequest player(const std::vector<std::int32_t>& appids, bool new_games_by_tags) {
  RankRequest request;
  for (std::int32_t appid : appids) request.games.push_back(PlayerGame{appid, 0.5f});
  request.k = 20;
  request.exclude_owned = false;
  request.new_games_by_tags = new_games_by_tags;
  return request;
}

// Each listed appid's score.
std::vector<std::pair<std::int32_t, float>> scores(const std::vector<Recommendation>& list) {
  std::vector<std::pair<std::int32_t, float>> out;
  for (const Recommendation& r : list) out.emplace_back(r.appid, r.score);
  std::sort(out.begin(), out.end());
  return out;
}

void expect_same_scores(const std::vector<Recommendation>& a, const std::vector<Recommendation>& b,
                        const std::string& what) {
  const auto left = scores(a), right = scores(b);
  ASSERT_EQ(left.size(), right.size()) << what;
  for (std::size_t i = 0; i < left.size(); ++i) {
    EXPECT_EQ(left[i].first, right[i].first) << what;
    EXPECT_NEAR(left[i].second, right[i].second, 1e-5f * std::max(1.0f, std::fabs(left[i].second)))
        << what << ": appid " << left[i].first;
  }
}

}  // namespace

// The player's games summed in another order give the same scores (up to
// rounding), with EASE's negative weights too, whether new games rank by tags.
TEST(OneScoreScale, OrderOfThePlayersGamesChangesNoScore) {
  const GameModel model = train(substitutes(), resolve_params("ease", {ParamValue{"lambda", false, 1, ""}}), no_cancel);
  ASSERT_LT(stored_weight(model.neighbors, 1, 2), 0.0f);  // game 2 leads away from game 3
  Recommender r(model);
  for (bool by_tags : {false, true})
    expect_same_scores(r.rank(player({1, 2}, by_tags)), r.rank(player({2, 1}, by_tags)),
                       by_tags ? "new games by tags" : "every score");
}

// recommend() ranks new games by their tags, similar_games() and evaluate() by
// every score: the games somebody owned score the same in both, also when
// new_game_weight lends new games weights larger than any known game's.
TEST(OneScoreScale, KnownGamesScoreTheSameWhateverRanksTheNewOnes) {
  for (const char* base : {"ease", "itemknn"}) {
    Recommender r =
        trained("hybrid", {ParamValue{"base", true, 0, base}, ParamValue{"new_game_weight", false, 50, ""}});
    for (const std::vector<std::int32_t>& games :
         {std::vector<std::int32_t>{10}, std::vector<std::int32_t>{21}, std::vector<std::int32_t>{10, 21, 12}}) {
      RankRequest by_tags = player(games, true), every_score = player(games, false);
      by_tags.exclude_appids = every_score.exclude_appids = {30, 31};
      expect_same_scores(r.rank(by_tags), r.rank(every_score), std::string("hybrid on ") + base);
    }
  }
}
