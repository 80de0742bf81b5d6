// A database whose SQL predates 1.6 trains with its own defaults: ease and
// hybrid over ease without the RDLAE keys are plain EASE there (the
// registry's "absent" values), while values given are kept and today's
// defaults are RDLAE.
#include <gtest/gtest.h>

#include "core/train_params.hpp"

namespace steam_rec::rec {
namespace {

TEST(TrainAtSql15KeepsPlainEaseDefault, KeysLeftOutAreZero) {
  for (const char* algorithm : {"ease", "hybrid"}) {
    const TrainParams older = resolve_params(algorithm, {}, Defaults::of_sql(1, 5));
    EXPECT_EQ(older.dropout, 0.0f) << algorithm;
    EXPECT_EQ(older.diagonal_relaxation, 0.0f) << algorithm;
    const TrainParams today = resolve_params(algorithm, {});
    EXPECT_FLOAT_EQ(today.dropout, 0.4f) << algorithm;
    EXPECT_FLOAT_EQ(today.diagonal_relaxation, 0.35f) << algorithm;
  }
}

TEST(TrainAtSql15KeepsPlainEaseDefault, ValuesGivenAreKept) {
  const TrainParams older = resolve_params("ease", {ParamValue{"dropout", false, 0.3, ""}}, Defaults::of_sql(1, 5));
  EXPECT_FLOAT_EQ(older.dropout, 0.3f);
  EXPECT_EQ(older.diagonal_relaxation, 0.0f);
}

TEST(TrainAtSql15KeepsPlainEaseDefault, OtherBasesAreUnchanged) {
  const std::vector<ParamValue> itemknn = {ParamValue{"base", true, 0, "itemknn"}};
  const TrainParams older = resolve_params("hybrid", itemknn, Defaults::of_sql(1, 5));
  const TrainParams today = resolve_params("hybrid", itemknn);
  EXPECT_EQ(describe_params(older).size(), describe_params(today).size());
  EXPECT_EQ(older.neighbors, today.neighbors);
}

}  // namespace
}  // namespace steam_rec::rec
