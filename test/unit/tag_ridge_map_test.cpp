// tag_ridge_weight: new games' weights also lent through a ridge map from
// tags fitted on the owned games, so every owned game sharing tags with a new
// game lends to it by how its tags predict theirs, not only its few nearest.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <string>

#include "core/algorithm_registry.hpp"
#include "core/tag_ridge_map.hpp"
#include "core/trainer.hpp"
#include "stored_weight.hpp"
#include "threads_scope.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// Adds to dot[n] what row g of `neighbors` lends each new game n through the
// map (a RidgeLentBlock of that one row), noting each n first touched.
void add_ridge_lent_weights(const TagRidgeMap& map, const SparseRows& vectors, const SparseRows& neighbors,
                            std::int32_t g, double weight, std::vector<float>& dot,
                            std::vector<std::int32_t>& touched) {
  RidgeLentBlock block;
  block.compute(map, vectors, neighbors, g, g + 1, weight);
  block.add_to(map, g, dot, touched);
}

// Players 1-6 own games 1 and 2, players 7-9 own 3 and 4.  New game 10 is
// tagged (Arena, Shooter): its nearest owned game by tags is 1 (Arena), and
// game 2 (Shooter, Team) shares a tag with it too.  New game 11 is tagged
// (Logic).
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
  d.add_tag(2, "Team", 2);
  d.add_tag(3, "Puzzle", 1);
  d.add_tag(4, "Logic", 1);
  d.add_tag(10, "Arena", 1);
  d.add_tag(10, "Shooter", 2);
  d.add_tag(11, "Logic", 1);
  d.finish(no_cancel);
  return d;
}

TrainParams hybrid(double ridge_weight, std::int32_t content_neighbors) {
  return resolve_params("hybrid",
                        {ParamValue{"base", true, 0, "itemknn"}, ParamValue{"tag_popularity_exponent", false, 0, ""},
                         ParamValue{"content_neighbors", false, static_cast<double>(content_neighbors), ""},
                         ParamValue{"tag_ridge_weight", false, ridge_weight, ""}});
}

// Game numbers by ascending appid: 1, 2, 3, 4, 10, 11 -> 0..5.
constexpr std::int32_t kGame1 = 0, kGame2 = 1, kGame3 = 2, kGame10 = 4, kGame11 = 5;

Eigen::VectorXd dense(const SparseRows& rows, std::int32_t g, std::int32_t tags) {
  Eigen::VectorXd v = Eigen::VectorXd::Zero(tags);
  for (std::int64_t p = rows.offset[g]; p < rows.offset[g + 1]; ++p) v[rows.index[p]] = rows.value[p];
  return v;
}

}  // namespace

TEST(TagRidgeWeight, IsOnByDefault) { EXPECT_EQ(TrainParams{}.tag_ridge_weight, 1.0f); }

// The shares by their definition, summed densely: f_s' (F'F + penalty I)^-1 f_n
// over the owned games s, scaled so a new game's shares sum to 1 on average.
TEST(TagRidgeWeight, LendsAsTheRidgeSharesDefine) {
  const TrainingSet d = data();
  const GameModel model = train(d, hybrid(0, 1), no_cancel);
  const auto tags = static_cast<std::int32_t>(d.tag_names().size());
  const std::vector<std::int64_t> owners = {6, 6, 3, 3, 0, 0};
  Eigen::MatrixXd gram = kTagRidgePenalty * Eigen::MatrixXd::Identity(tags, tags);
  for (std::int32_t s = 0; s < 4; ++s) gram += dense(model.tags, s, tags) * dense(model.tags, s, tags).transpose();
  const Eigen::MatrixXd inverse = gram.inverse();
  auto share = [&](std::int32_t s, std::int32_t n) {
    return dense(model.tags, s, tags).dot(inverse * dense(model.tags, n, tags));
  };
  double scale = 0;
  for (std::int32_t n : {kGame10, kGame11})
    for (std::int32_t s = 0; s < 4; ++s) scale += share(s, n) / 2;

  const TagRidgeMap map = fit_tag_ridge_map(model.tags, tags, owners, no_cancel);
  ASSERT_EQ(map.new_games, (std::vector<std::int32_t>{kGame10, kGame11}));
  for (std::int32_t g = 0; g < 4; ++g) {
    std::vector<float> dot(6, 0.0f);
    std::vector<std::int32_t> touched;
    add_ridge_lent_weights(map, model.tags, model.neighbors, g, 0.5, dot, touched);
    for (std::int32_t n : {kGame10, kGame11}) {
      double expected = 0;
      for (std::int64_t p = model.neighbors.offset[g]; p < model.neighbors.offset[g + 1]; ++p)
        expected += model.neighbors.value[p] * share(model.neighbors.index[p], n) / scale;
      EXPECT_NEAR(dot[n], 0.5 * expected, 1e-5) << "game " << g << " -> " << n;
    }
  }
}

// With one tag neighbour per new game, game 10 borrows from game 1 (Arena,
// its first tag) only, so game 1 (whose weights lead to game 2, not to
// itself) lends it nothing; the ridge map lends it game 2's share too (they
// share Shooter), so game 1 now leads to it.
TEST(TagRidgeWeight, ReachesANewGameBeyondItsNearestTagNeighbour) {
  const GameModel neighbours_only = train(data(), hybrid(0, 1), no_cancel);
  const GameModel with_ridge = train(data(), hybrid(1, 1), no_cancel);
  ASSERT_GT(stored_weight(with_ridge.neighbors, kGame1, kGame2), 0.0f);
  EXPECT_EQ(stored_weight(neighbours_only.neighbors, kGame1, kGame10), 0.0f);
  EXPECT_GT(stored_weight(with_ridge.neighbors, kGame1, kGame10), 0.0f);
  // Owned games' own weights are kept; nothing leads from puzzles to a shooter.
  EXPECT_EQ(stored_weight(with_ridge.neighbors, kGame1, kGame2),
            stored_weight(neighbours_only.neighbors, kGame1, kGame2));
  EXPECT_LE(stored_weight(with_ridge.neighbors, kGame3, kGame10), 0.0f);
  EXPECT_GT(stored_weight(with_ridge.neighbors, kGame3, kGame11), 0.0f);
}

// Whatever the number of tag names, the map covers the kTagRidgeMaxTags tags
// on the most owned games, and a new game sharing one of them is still lent to.
TEST(TagRidgeWeight, KeepsToTheMostUsedTags) {
  TrainingSet d;
  for (int p = 1; p <= 6; ++p) {
    d.add_owned(p, 1, 0.5f);
    d.add_owned(p, 2, 0.5f);
  }
  d.add_tag(1, "Shared", 1);
  d.add_tag(2, "Shared", 1);
  for (int t = 0; t < kTagRidgeMaxTags + 50; ++t) d.add_tag(3 + t, "Rare " + std::to_string(t), 1);
  d.add_tag(5000, "Shared", 1);
  d.finish(no_cancel);
  const GameModel model = train(d, hybrid(0, 1), no_cancel);
  std::vector<std::int64_t> owners(static_cast<std::size_t>(d.games()), 0);
  owners[0] = owners[1] = 6;
  const TagRidgeMap map =
      fit_tag_ridge_map(model.tags, static_cast<std::int32_t>(d.tag_names().size()), owners, no_cancel);
  ASSERT_EQ(map.scaled_inverse.rows(), kTagRidgeMaxTags);
  std::vector<float> dot(static_cast<std::size_t>(d.games()), 0.0f);
  std::vector<std::int32_t> touched;
  add_ridge_lent_weights(map, model.tags, model.neighbors, 0, 1.0, dot, touched);
  EXPECT_GT(dot[static_cast<std::size_t>(d.games() - 1)], 0.0f);  // game 5000, the last by appid
}

// The fit sums every owned game's tag pairs, which a catalog giving games
// thousands of tags makes long: cancel is asked while it sums, not only
// around it.  On one thread a training asks the same number of times call
// after call, so the fit's asks show as what tag_ridge_weight adds.
TEST(TagRidgeWeight, FitAsksCancelWhileItSums) {
  const steam_rec::Threads one(1);
  TrainingSet d;
  for (std::int32_t g = 1; g <= 60; ++g) {
    d.add_owned(g, g, 0.5f);
    d.add_owned(g + 1, g, 0.5f);
    for (int t = 0; t < 60; ++t) d.add_tag(g, "Tag " + std::to_string((g + t) % 80), 1 + t);
  }
  d.add_tag(1000, "Tag 1", 1);  // nobody owns it
  d.finish(no_cancel);
  struct Asks {
    int count = 0;
    static bool ask(void* self) noexcept {
      ++static_cast<Asks*>(self)->count;
      return false;
    }
  };
  auto asks = [&](double ridge_weight) {
    Asks asked;
    steam_rec::CancelCheck cancel(&Asks::ask, &asked);
    train(d, hybrid(ridge_weight, 1), cancel);
    return asked.count;
  };
  EXPECT_GT(asks(1), asks(0));
}

// The solve over the map's tags (up to kTagRidgeMaxTags, about a second in
// one piece) stops at a cancel too: with 300 tags on games of one tag each,
// the sums ask once before the solve, and a cancel asked for after that
// stops the fit instead of letting the solve run to its end.
TEST(TagRidgeWeight, CancelStopsTheSolve) {
  const steam_rec::Threads one(1);
  TrainingSet d;
  constexpr int kTags = 300;
  for (int t = 0; t < kTags; ++t) {
    d.add_owned(t + 1, t + 1, 0.5f);
    d.add_tag(t + 1, "Tag " + std::to_string(t), 1);
  }
  d.add_tag(1000, "Tag 1", 1);  // nobody owns it
  d.finish(no_cancel);
  const GameModel model = train(d, hybrid(0, 1), no_cancel);
  std::vector<std::int64_t> owners(static_cast<std::size_t>(d.games()), 1);
  owners.back() = 0;
  ASSERT_EQ(fit_tag_ridge_map(model.tags, kTags, owners, no_cancel).scaled_inverse.rows(), kTags);
  struct StopOnSecondAsk {
    int asks = 0;
    static bool ask(void* self) noexcept { return ++static_cast<StopOnSecondAsk*>(self)->asks >= 2; }
  } stop;
  steam_rec::CancelCheck cancel(&StopOnSecondAsk::ask, &stop);
  EXPECT_THROW(fit_tag_ridge_map(model.tags, kTags, owners, cancel), steam_rec::Cancelled);
  EXPECT_EQ(stop.asks, 2);
}
