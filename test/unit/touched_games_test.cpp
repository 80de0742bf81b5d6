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

// A call cancelled inside a long stored list (one a hand-written model row can
// hold) must leave the recommender's scratch as clean as a call that ends: the
// next call on the same recommender ranks as a fresh one.  The cancel lands in
// each chunk of the list in turn, whichever poll asks first.
TEST(TouchedGames, CallCancelledInsideALongListLeavesTheNextCallAsAFreshRecommenderRanks) {
  constexpr std::int32_t kGames = 20000;  // the first game's list spans three chunks of polls
  GameModel model;
  for (std::int32_t g = 0; g < kGames; ++g) {
    model.appids.push_back(g + 1);
    model.popularity.push_back(0.5f);
  }
  model.neighbors.offset.assign(kGames + 1, kGames - 1);
  model.neighbors.offset[0] = 0;
  for (std::int32_t j = 1; j < kGames; ++j) {
    model.neighbors.index.push_back(j);
    model.neighbors.value.push_back(1.0f - static_cast<float>(j) / kGames);  // the best at the list's start
  }
  model.validate();

  RankRequest request;
  request.games.push_back(PlayerGame{1, 1.0f});
  request.k = 10;
  const std::vector<Recommendation> fresh = Recommender(model).rank(request);
  ASSERT_EQ(fresh.size(), 10u);

  // Stops at every ask after the first (the one rank() makes before scoring).
  struct StopAfterFirstAsk {
    int asked = 0;
    static bool ask(void* self) noexcept { return ++static_cast<StopAfterFirstAsk*>(self)->asked > 1; }
  };
  // Unknown appids to exclude each take one poll, so their number moves the
  // poll that asks (every 1024th) across the list's chunks.
  for (std::int32_t padding = 1010; padding < 1026; ++padding) {
    Recommender reused(model);
    RankRequest cancelled = request;
    for (std::int32_t i = 0; i < padding; ++i) cancelled.exclude_appids.push_back(-1 - i);
    StopAfterFirstAsk stop;
    CancelCheck cancel(&StopAfterFirstAsk::ask, &stop);
    EXPECT_THROW(reused.rank(cancelled, cancel), Cancelled) << "padding " << padding;
    const std::vector<Recommendation> after = reused.rank(request);
    ASSERT_EQ(after.size(), fresh.size()) << "padding " << padding;
    for (std::size_t r = 0; r < fresh.size(); ++r)
      EXPECT_EQ(after[r].appid, fresh[r].appid) << "padding " << padding << " place " << r;
  }
}

}  // namespace
}  // namespace steam_rec::rec
