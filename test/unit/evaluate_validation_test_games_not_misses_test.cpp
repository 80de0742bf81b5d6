// evaluate(validation => true): each player's test games (the first split's
// held-out games) are set aside for that player, neither trained on nor
// ranked, so a model that ranks them high is not punished for it on the
// validation split.
#include <gtest/gtest.h>

#include <string>

#include "core/algorithm_registry.hpp"
#include "core/evaluation.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// 30 players who each own all 10 games, played 3 hours (engaged): every game
// a player does not train on is one of their held-out games, so the only
// games left to rank are the held-out ones.
Evaluation everyone_owns_everything() {
  Evaluation e;
  for (int p = 1; p <= 30; ++p)
    for (int g = 1; g <= 10; ++g) e.add_play(EvalPlay{p, g, 0.5f, 3.0});
  return e;
}

// Evaluates `algorithm` with k = 2 (the size of each held-out part: 2 of 10
// games for test, then 2 of the remaining 8 for validation).
EvalScore evaluate(const std::string& algorithm, bool validation, bool engaged_only) {
  Evaluation e = everyone_owns_everything();
  EvalOptions options;
  options.k = 2;
  options.min_games = 5;
  options.validation = validation;
  options.engaged_only = engaged_only;
  e.prepare(options, no_cancel);
  return e.evaluate(resolve_params(algorithm, {}), no_cancel);
}

}  // namespace

TEST(EvaluateValidationTestGamesNotMisses, OnlyTheValidationGamesAreRanked) {
  // The test games are not candidates: each list is exactly the player's two
  // validation games, whatever the model, on both targets.
  for (const AlgorithmSpec& spec : algorithms())
    for (bool engaged_only : {false, true}) {
      const std::string algorithm = spec.name;
      const EvalScore score = evaluate(algorithm, true, engaged_only);
      EXPECT_EQ(score.players, 30) << algorithm << " engaged " << engaged_only;
      EXPECT_DOUBLE_EQ(score.recall, 1.0) << algorithm << " engaged " << engaged_only;
      EXPECT_DOUBLE_EQ(score.ndcg, 1.0) << algorithm << " engaged " << engaged_only;
      EXPECT_DOUBLE_EQ(score.hit_rate, 1.0) << algorithm << " engaged " << engaged_only;
    }
}

TEST(EvaluateValidationTestGamesNotMisses, TestSplitRanksTheSameWay) {
  // Without validation the two test games are the only candidates, as the two
  // validation games are with it: both splits measure this world alike.
  for (const AlgorithmSpec& spec : algorithms()) {
    const std::string algorithm = spec.name;
    const EvalScore score = evaluate(algorithm, false, false);
    EXPECT_EQ(score.players, 30) << algorithm;
    EXPECT_DOUBLE_EQ(score.recall, 1.0) << algorithm;
    EXPECT_DOUBLE_EQ(score.ndcg, 1.0) << algorithm;
  }
}
