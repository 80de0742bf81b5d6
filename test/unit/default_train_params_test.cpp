// A default-constructed TrainParams used to name no algorithm (nullptr), so
// code handed one crashed or printed "unknown".  It now is the default
// algorithm that train() without arguments uses, with that algorithm's base.
#include <gtest/gtest.h>

#include "core/algorithm_registry.hpp"
#include "core/train_params.hpp"

namespace steam_rec::rec {
namespace {

TEST(DefaultTrainParams, NameTheDefaultAlgorithmAndItsBase) {
  const TrainParams defaults;
  ASSERT_NE(defaults.algorithm, nullptr);
  EXPECT_STREQ(algorithm_name(defaults.algorithm), kDefaultAlgorithm);
  const TrainParams resolved = resolve_params(kDefaultAlgorithm, {});
  EXPECT_EQ(defaults.algorithm, resolved.algorithm);
  EXPECT_EQ(defaults.base, resolved.base);
}

TEST(DefaultTrainParams, OtherAlgorithmsKeepNoBase) {
  for (const AlgorithmSpec& a : algorithms()) {
    const TrainParams resolved = resolve_params(a.name, {});
    if (a.default_base == nullptr) {
      EXPECT_EQ(resolved.base, nullptr) << a.name;
    }
  }
}

}  // namespace
}  // namespace steam_rec::rec
