// EASE with dropout and diagonal relaxation (RDLAE, Moon et al. 2023):
// B = -P * max(L, (1 - xi) / diag(P)) column by column, P = (G + diag(L))^-1,
// L = lambda + dropout / (1 - dropout) * diag(G), the diagonal cut away.
// The expected weights were computed with numpy on the same 8 x 4 matrix.
#include <gtest/gtest.h>

#include "core/algorithm_trainers.hpp"
#include "core/errors.hpp"
#include "stored_weight.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// Players 1..8 own appids 1..4 (games 0..3) as below.
TrainingSet data() {
  const std::vector<std::vector<std::int64_t>> owned = {{1, 2}, {1, 2, 3}, {2, 3}, {1, 3, 4},
                                                        {2, 4}, {1, 2, 4}, {3, 4}, {1, 2, 3, 4}};
  TrainingSet d;
  for (std::size_t p = 0; p < owned.size(); ++p)
    for (std::int64_t appid : owned[p]) d.add_owned(static_cast<std::int64_t>(p + 1), appid, 0);
  for (int g = 1; g <= 4; ++g) d.add_game(g);
  d.finish(no_cancel);
  return d;
}

// Checks every off-diagonal weight against `expected` (row: from, column: to).
void expect_weights(const SparseRows& b, const double (&expected)[4][4]) {
  ASSERT_EQ(b.rows(), 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(stored_weight(b, i, i), 0.0f) << "game " << i << " weighs itself";
    for (int j = 0; j < 4; ++j)
      if (i != j) {
        EXPECT_NEAR(stored_weight(b, i, j), expected[i][j], 1e-6) << "from game " << i << " to game " << j;
      }
  }
}

SparseRows train(double dropout, double relaxation) {
  return train_ease(
      data(),
      resolve_params("ease", {ParamValue{"lambda", false, 1, ""}, ParamValue{"dropout", false, dropout, ""},
                              ParamValue{"diagonal_relaxation", false, relaxation, ""}}),
      no_cancel);
}

}  // namespace

TEST(EaseRdlaeClosedForm, BothZeroIsPlainEase) {
  const double ease[4][4] = {{0, 0.5, 0.243243243, 0.243243243},
                             {0.4, 0, 0.162162162, 0.162162162},
                             {0.2, 0.166666667, 0, 0.297297297},
                             {0.2, 0.166666667, 0.297297297, 0}};
  expect_weights(train(0, 0), ease);
}

// The defaults are RDLAE p 0.4, xi 0.35 (chosen on validation): left out, the
// two keys give the same bits as naming those values.
TEST(EaseRdlaeClosedForm, DefaultsAreValidationsRdlae) {
  const SparseRows defaults =
      train_ease(data(), resolve_params("ease", {ParamValue{"lambda", false, 1, ""}}), no_cancel);
  const SparseRows named = train(0.4, 0.35);
  EXPECT_EQ(defaults.index, named.index);
  EXPECT_EQ(defaults.value, named.value);  // the same bits, not only close
}

TEST(EaseRdlaeClosedForm, DropoutAloneIsEdlae) {
  const double edlae[4][4] = {{0, 0.322654462, 0.190574749, 0.190574749},
                              {0.266288952, 0, 0.145199809, 0.145199809},
                              {0.178470255, 0.164759725, 0, 0.213501035},
                              {0.178470255, 0.164759725, 0.213501035, 0}};
  expect_weights(train(0.4, 0), edlae);
}

// With xi 0.42 game 0's self-weight stays below xi (0.398: its column is
// -P * L), the others' would pass it and are held at xi (-P * 0.58 / P_jj).
TEST(EaseRdlaeClosedForm, RelaxationHoldsTheSelfWeightAtMostXi) {
  const double rdlae[4][4] = {{0, 0.187139588, 0.110533355, 0.110533355},
                              {0.160325374, 0, 0.084215889, 0.084215889},
                              {0.107452112, 0.095560641, 0, 0.1238306},
                              {0.107452112, 0.095560641, 0.1238306, 0}};
  expect_weights(train(0.4, 0.42), rdlae);
}

TEST(EaseRdlaeClosedForm, ParametersOutOfRangeAreRefused) {
  EXPECT_THROW(resolve_params("ease", {ParamValue{"dropout", false, 1, ""}}), steam_rec::InvalidArgument);
  EXPECT_THROW(resolve_params("ease", {ParamValue{"dropout", false, -0.1, ""}}), steam_rec::InvalidArgument);
  EXPECT_THROW(resolve_params("ease", {ParamValue{"diagonal_relaxation", false, 1.5, ""}}), steam_rec::InvalidArgument);
  EXPECT_NO_THROW(resolve_params("hybrid", {ParamValue{"dropout", false, 0.4, ""}}));
  EXPECT_THROW(resolve_params("itemknn", {ParamValue{"dropout", false, 0.4, ""}}), steam_rec::InvalidArgument);
}
