// RP3beta: the game -> owner -> game walk, steps raised to rp3_alpha,
// arrivals divided by owners^rp3_beta, each row scaled to sum 1.
#include <gtest/gtest.h>

#include <cmath>

#include "core/algorithm_registry.hpp"
#include "core/algorithm_trainers.hpp"
#include "core/evaluation.hpp"
#include "stored_weight.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// Player 1 owns A and B, player 2 A, B and C, player 3 B and C (appids 1, 2, 3).
TrainingSet data() {
  TrainingSet d;
  d.add_owned(1, 1, 0);
  d.add_owned(1, 2, 0);
  d.add_owned(2, 1, 0);
  d.add_owned(2, 2, 0);
  d.add_owned(2, 3, 0);
  d.add_owned(3, 2, 0);
  d.add_owned(3, 3, 0);
  for (int g = 1; g <= 3; ++g) d.add_game(g);
  d.finish(no_cancel);
  return d;
}

SparseRows walk(double alpha, double beta) {
  return train_rp3beta(
      data(),
      resolve_params("rp3beta", {ParamValue{"rp3_alpha", false, alpha, ""}, ParamValue{"rp3_beta", false, beta, ""}}),
      no_cancel);
}

}  // namespace

TEST(Rp3beta, WalksFromAGameThroughItsOwnersToTheirGames) {
  // From A: player 1 steps to B with 1/2, player 2 to B and C with 1/3 each:
  // B 5/6, C 1/3, scaled to sum 1.
  const SparseRows w = walk(1, 0);
  EXPECT_NEAR(stored_weight(w, 0, 1), 5.0 / 7, 1e-6);
  EXPECT_NEAR(stored_weight(w, 0, 2), 2.0 / 7, 1e-6);
  EXPECT_EQ(stored_weight(w, 0, 0), 0.0f);  // never to itself
}

TEST(Rp3beta, AlphaRaisesEachStep) {
  // Steps squared: B 1/4 + 1/9, C 1/9.
  const SparseRows w = walk(2, 0);
  EXPECT_NEAR(stored_weight(w, 0, 1), 13.0 / 17, 1e-6);
  EXPECT_NEAR(stored_weight(w, 0, 2), 4.0 / 17, 1e-6);
}

TEST(Rp3beta, BetaDividesArrivalsByOwners) {
  // B has 3 owners, C 2: with beta 1 the ratio B / C falls from 5/2 to 5/3.
  const SparseRows w = walk(1, 1);
  EXPECT_NEAR(stored_weight(w, 0, 1) / stored_weight(w, 0, 2), 5.0 / 3, 1e-5);
  EXPECT_NEAR(stored_weight(w, 0, 1) + stored_weight(w, 0, 2), 1.0, 1e-6);
}

TEST(Rp3beta, KeepsTheLargestNeighbors) {
  const SparseRows w =
      train_rp3beta(data(), resolve_params("rp3beta", {ParamValue{"neighbors", false, 1, ""}}), no_cancel);
  for (std::int32_t g = 0; g < w.rows(); ++g) EXPECT_EQ(w.offset[g + 1] - w.offset[g], 1);
  EXPECT_EQ(w.index[static_cast<std::size_t>(w.offset[0])], 1);  // A's best is B
}

TEST(Rp3beta, IsAHybridBase) {
  const TrainParams params = resolve_params("hybrid", {ParamValue{"base", true, 0, "rp3beta"}});
  EXPECT_STREQ(params.base->name, "rp3beta");
}
