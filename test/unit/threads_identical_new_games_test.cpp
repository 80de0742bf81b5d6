// Trainings over a catalog with tag-only games give the same model, bit for
// bit, on 1, 2, 3 and 7 threads: iALS solves only the owned games (renumbered
// among themselves), and a hybrid lends weights to the new games through the
// tag ridge map, whose inverse is solved in blocks on the threads and whose
// lendings are computed a chunk of rows at a time on each thread.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/trainer.hpp"
#include "threads_scope.hpp"

namespace steam_rec::rec {
namespace {

CancelCheck no_cancel;

// 600 players over 400 owned games (appids 1000-1399) and 300 tag-only games
// (appids 1400-1699, interleaved with no owned game below them), tagged from
// 300 tags: more than two blocks of the ridge map's inverse, many chunks of
// rows and of new games.
TrainingSet catalog_with_new_games() {
  TrainingSet data;
  std::mt19937 random(11);
  for (std::int64_t player = 1; player <= 600; ++player) {
    const int group = static_cast<int>(random() % 8);
    const int games = 3 + static_cast<int>(random() % 20);
    for (int n = 0; n < games; ++n) {
      const std::int32_t appid = 1000 + group * 50 + static_cast<int>(random() % 50);
      data.add_owned(player, appid, static_cast<float>(random() % 1000) / 1000.0f);
    }
  }
  for (std::int32_t appid = 1000; appid < 1700; ++appid) {
    const int tags = 1 + static_cast<int>(random() % 6);
    for (int t = 0; t < tags; ++t) data.add_tag(appid, "tag " + std::to_string(random() % 300), t + 1);
  }
  data.finish(no_cancel);
  return data;
}

GameModel trained_on(int threads, const TrainParams& params) {
  const Threads scope(threads);
  const TrainingSet data = catalog_with_new_games();
  return train(data, params, no_cancel);
}

void expect_same_model(const GameModel& a, const GameModel& b) {
  EXPECT_EQ(a.neighbors.offset, b.neighbors.offset);
  EXPECT_EQ(a.neighbors.index, b.neighbors.index);
  EXPECT_EQ(a.neighbors.value, b.neighbors.value);  // exact float equality
  EXPECT_EQ(a.content_neighbors.value, b.content_neighbors.value);
  ASSERT_EQ(a.factors.rows(), b.factors.rows());
  ASSERT_EQ(a.factors.cols(), b.factors.cols());
  EXPECT_TRUE((a.factors.array() == b.factors.array()).all());
}

TEST(ThreadsIdenticalNewGames, HybridRidgeLendingsAreTheSameOnAnyThreadCount) {
  const TrainParams params =
      resolve_params("hybrid", {ParamValue{"base", true, 0, "itemknn"}, ParamValue{"new_game_weight", false, 1, ""},
                                ParamValue{"tag_ridge_weight", false, 1, ""}});
  const GameModel one = trained_on(1, params);
  // Some owned game lends to a new game (appid 1400 on: game number 400 on).
  std::int64_t lent = 0;
  for (std::int64_t p = 0; p < one.neighbors.nonzeros(); ++p) lent += one.neighbors.index[p] >= 400;
  EXPECT_GT(lent, 1000);
  for (int threads : {2, 3, 7}) {
    SCOPED_TRACE(threads);
    expect_same_model(one, trained_on(threads, params));
  }
}

TEST(ThreadsIdenticalNewGames, IalsFactorsAreTheSameOnAnyThreadCount) {
  const TrainParams params =
      resolve_params("ials", {ParamValue{"factors", false, 16, ""}, ParamValue{"iterations", false, 3, ""}});
  const GameModel one = trained_on(1, params);
  EXPECT_GT(one.factors.topRows(400).cwiseAbs().sum(), 0.0f);
  EXPECT_EQ(one.factors.bottomRows(300).cwiseAbs().sum(), 0.0f);
  for (int threads : {2, 3, 7}) {
    SCOPED_TRACE(threads);
    expect_same_model(one, trained_on(threads, params));
  }
}

}  // namespace
}  // namespace steam_rec::rec
