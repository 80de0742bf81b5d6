// The touched list that ranking appends to without a branch per element
// (touched_games.hpp), and rankings that reuse one recommender's scratch
// call after call: each must list exactly what a fresh recommender lists.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "core/algorithm_registry.hpp"
#include "core/recommender.hpp"
#include "core/touched_games.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {
namespace {

CancelCheck no_cancel;

TEST(TouchedGames, ListsEachGameOnceInTheOrderFirstMetEvenWhenAllAre) {
  constexpr std::int32_t kGames = 50;
  TouchedGames touched;
  touched.allocate(kGames);
  std::vector<bool> seen(kGames, false);
  std::vector<std::int32_t> expected;
  std::mt19937 random(7);
  for (int i = 0; i < 2000; ++i) {
    const std::int32_t game = static_cast<std::int32_t>(random() % kGames);
    touched.append_unless(seen[game], game);
    if (!seen[game]) expected.push_back(game);
    seen[game] = true;
  }
  ASSERT_EQ(expected.size(), static_cast<std::size_t>(kGames));
  EXPECT_EQ(std::vector<std::int32_t>(touched.begin(), touched.end()), expected);
  touched.clear();
  EXPECT_EQ(touched.begin(), touched.end());
}

// Random players over random libraries: tag lists and owned games drawn so
// that lists overlap (games met again and again in one call) and some games
// are new (tags only).
TrainingSet random_data(std::mt19937& random) {
  TrainingSet data;
  const char* tags[] = {"Strategy", "FPS", "Casual", "Indie", "RPG", "Puzzle"};
  for (std::int32_t appid = 1; appid <= 60; ++appid)
    for (int t = 0; t < 6; ++t)
      if (random() % 3 == 0) data.add_tag(appid, tags[t], 1 + static_cast<std::int32_t>(random() % 3));
  for (std::int64_t player = 1; player <= 80; ++player) {
    std::set<std::int32_t> owned;
    const std::size_t count = 1 + random() % 12;
    while (owned.size() < count) owned.insert(1 + static_cast<std::int32_t>(random() % 50));
    for (std::int32_t appid : owned) data.add_owned(player, appid, static_cast<float>(random() % 100) / 100.0f);
  }
  data.finish(no_cancel);
  return data;
}

TEST(TouchedGames, ScratchReusedAcrossCallsRanksAsAFreshRecommenderForEveryAlgorithm) {
  std::mt19937 random(11);
  const TrainingSet data = random_data(random);
  for (const AlgorithmSpec& algorithm : algorithms()) {
    const GameModel model = train(data, resolve_params(algorithm.name, {}), no_cancel);
    Recommender reused(model);
    for (int call = 0; call < 40; ++call) {
      RankRequest request;
      const int owned = static_cast<int>(random() % 15);
      for (int g = 0; g < owned; ++g)
        request.games.push_back(PlayerGame{1 + static_cast<std::int32_t>(random() % 62), 0.1f * (g % 10)});
      request.k = 1 + static_cast<std::int32_t>(random() % 70);
      request.exclude_owned = call % 3 != 0;
      request.new_game_slots = call % 4 == 0 ? 2 : 0;
      request.new_games_by_tags = call % 2 == 0;
      if (call % 5 == 0) request.include_tags = {"indie", "RPG"};
      const std::vector<Recommendation> listed = reused.rank(request);
      const std::vector<Recommendation> fresh = Recommender(model).rank(request);
      ASSERT_EQ(listed.size(), fresh.size()) << algorithm.name << " call " << call;
      std::set<std::int32_t> distinct;
      for (std::size_t r = 0; r < listed.size(); ++r) {
        EXPECT_EQ(listed[r].appid, fresh[r].appid) << algorithm.name << " call " << call << " place " << r;
        EXPECT_EQ(listed[r].score, fresh[r].score) << algorithm.name << " call " << call << " place " << r;
        distinct.insert(listed[r].appid);
      }
      EXPECT_EQ(distinct.size(), listed.size()) << algorithm.name << " call " << call << " lists a game twice";
    }
  }
}

}  // namespace
}  // namespace steam_rec::rec
