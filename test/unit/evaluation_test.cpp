// Ranking metrics against hand-computed values, and the evaluation protocol's
// filtering and splitting.
#include <gtest/gtest.h>

#include <cmath>

#include "core/errors.hpp"
#include "core/evaluation.hpp"
#include "core/ranking_metrics.hpp"

namespace steam_rec::rec {
namespace {

CancelCheck no_cancel;

TEST(ListQuality, MatchesHandComputedValues) {
  // One hit at rank 2 of 3, two relevant: recall 1/2; DCG 1/log2(3); ideal 1 + 1/log2(3).
  ListQuality q = list_quality({5, 1, 7}, {1, 9}, 3);
  EXPECT_DOUBLE_EQ(q.recall, 0.5);
  EXPECT_NEAR(q.ndcg, (1 / std::log2(3.0)) / (1 + 1 / std::log2(3.0)), 1e-12);
  EXPECT_TRUE(q.hit);
  // Everything relevant at the top is perfect; recall divides by min(k, relevant).
  q = list_quality({1, 2}, {1, 2, 3, 4}, 2);
  EXPECT_DOUBLE_EQ(q.recall, 1.0);
  EXPECT_DOUBLE_EQ(q.ndcg, 1.0);
  // Only the first k count.
  q = list_quality({7, 8, 1}, {1}, 2);
  EXPECT_DOUBLE_EQ(q.recall, 0.0);
  EXPECT_FALSE(q.hit);
  EXPECT_DOUBLE_EQ(list_quality({1}, {}, 5).ndcg, 0.0);
}

// Players 1..20 own games 1..10 (all but one); player 99 owns 2 games;
// game 50 has a single owner.
Evaluation small_world() {
  Evaluation e;
  for (int p = 1; p <= 20; ++p)
    for (int g = 1; g <= 10; ++g)
      if (g != 1 + p % 10) e.add_play(EvalPlay{p, g, 0.5f, g % 2 == 0 ? 10.0 : 0.5});
  e.add_play(EvalPlay{99, 1, 0.5f, 1});
  e.add_play(EvalPlay{99, 2, 0.5f, 1});
  e.add_play(EvalPlay{3, 50, 0.5f, 1});
  return e;
}

TEST(Evaluation, KeepsOnlyPlayersAndGamesWithEnoughAndHoldsOutItsShare) {
  Evaluation e = small_world();
  EvalOptions options;
  options.min_games = 5;
  e.prepare(options, no_cancel);
  EXPECT_EQ(e.players(), 20);  // player 99 has 2 games
  EXPECT_EQ(e.games(), 10);    // game 50 has 1 owner
  // 9 games each: round(0.2 * 9) = 2 held out, 7 for training.
  EXPECT_EQ(e.training_plays(), 20 * 7);
}

TEST(Evaluation, IsDeterministicForASeedAndModelsBeatNothing) {
  EvalOptions options;
  options.min_games = 5;
  options.k = 3;
  Evaluation a = small_world(), b = small_world(), c = small_world();
  a.prepare(options, no_cancel);
  b.prepare(options, no_cancel);
  options.seed = 7;
  c.prepare(options, no_cancel);
  const TrainParams ease = resolve_params("ease", {});
  EvalScore first = a.evaluate(ease, no_cancel), again = b.evaluate(ease, no_cancel);
  EXPECT_EQ(first.recall, again.recall);
  EXPECT_EQ(first.ndcg, again.ndcg);
  EXPECT_EQ(first.players, 20);
  EXPECT_GE(first.recall, 0.0);
  EXPECT_LE(first.recall, 1.0);
  EXPECT_GT(first.coverage, 0.0);
  (void)c.evaluate(ease, no_cancel);  // another seed also runs
}

TEST(Evaluation, EngagedTargetCountsOnlyGamesPlayedTwoHours) {
  EvalOptions options;
  options.min_games = 5;
  options.engaged_only = true;
  Evaluation e = small_world();
  e.prepare(options, no_cancel);
  EvalScore s = e.evaluate(resolve_params("popularity", {}), no_cancel);
  EXPECT_LT(s.players, 20);  // some players held out only odd games (0.5 hours)
  EXPECT_GT(s.players, 0);
}

TEST(Evaluation, RefusesWhenNothingIsLeft) {
  Evaluation e = small_world();
  EvalOptions options;
  options.min_games = 100;
  EXPECT_THROW(e.prepare(options, no_cancel), InvalidArgument);
}

}  // namespace
}  // namespace steam_rec::rec
