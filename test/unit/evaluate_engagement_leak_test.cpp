// The engagement leak in evaluate(): the stored engagement scores were fitted
// on every row, held-out games included, so the weights training saw carried
// the held-out playtime.  evaluate() must refit them on the training part:
// its result may not depend on the stored scores, nor on the hours of a game
// it holds out.
#include <gtest/gtest.h>

#include <cmath>

#include "core/evaluation.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// 30 players over 12 games, with varied hours; `stored` gives each play's
// stored engagement score, `hours` its playtime.
template <typename Stored, typename Hours>
Evaluation world(Stored stored, Hours hours) {
  Evaluation e;
  for (int p = 1; p <= 30; ++p)
    for (int g = 1; g <= 12; ++g)
      if ((p + g) % 4 != 0 && (p * g) % 7 != 3) e.add_play(EvalPlay{p, g, stored(p, g), hours(p, g)});
  return e;
}

double plain_hours(int p, int g) { return 0.5 + std::fmod(p * 1.7 + g * 3.1, 40.0); }

EvalScore weighted_score(Evaluation& e) {
  EvalOptions options;
  options.k = 3;
  options.min_games = 3;
  e.prepare(options, no_cancel);
  TrainParams params = resolve_params("itemknn", {ParamValue{"engagement_weight", false, 3, ""}});
  return e.evaluate(params, no_cancel);
}

}  // namespace

TEST(EvaluateEngagementLeak, StoredScoresDoNotReachTraining) {
  Evaluation a = world([](int, int) { return 0.5f; }, plain_hours);
  Evaluation b = world([](int p, int g) { return (p * 31 + g * 17) % 2 ? 0.99f : 0.01f; }, plain_hours);
  const EvalScore sa = weighted_score(a);
  const EvalScore sb = weighted_score(b);
  EXPECT_DOUBLE_EQ(sa.recall, sb.recall);
  EXPECT_DOUBLE_EQ(sa.ndcg, sb.ndcg);
}

TEST(EvaluateEngagementLeak, HeldOutHoursDoNotReachTraining) {
  EvalOptions options;
  options.k = 3;
  options.min_games = 3;
  Evaluation base = world([](int, int) { return 0.5f; }, plain_hours);
  base.prepare(options, no_cancel);
  // A held-out play: owned, but not in the training part.
  int held_player = 0, held_game = 0;
  for (int p = 1; p <= 30 && held_player == 0; ++p)
    for (int g = 1; g <= 12 && held_player == 0; ++g)
      if ((p + g) % 4 != 0 && (p * g) % 7 != 3 && std::isnan(base.training_engagement(p, g))) {
        held_player = p;
        held_game = g;
      }
  ASSERT_NE(held_player, 0);
  // The same world with a huge playtime on that held-out play (the split
  // depends on the seed and the games, not on hours).
  Evaluation changed =
      world([](int, int) { return 0.5f; },
            [&](int p, int g) { return p == held_player && g == held_game ? 5000.0 : plain_hours(p, g); });
  changed.prepare(options, no_cancel);
  int compared = 0;
  for (int p = 1; p <= 30; ++p)
    for (int g = 1; g <= 12; ++g) {
      const float before = base.training_engagement(p, g);
      if (std::isnan(before)) continue;
      EXPECT_FLOAT_EQ(before, changed.training_engagement(p, g)) << "player " << p << ", game " << g;
      ++compared;
    }
  EXPECT_GT(compared, 100);
  // And the scores are a real fit, not the stored 0.5 everywhere.
  bool varied = false;
  for (int g = 1; g <= 12; ++g)
    varied = varied || (!std::isnan(base.training_engagement(2, g)) && base.training_engagement(2, g) != 0.5f);
  EXPECT_TRUE(varied);
}
