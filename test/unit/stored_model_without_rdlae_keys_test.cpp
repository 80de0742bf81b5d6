// RDLAE (dropout 0.4, diagonal_relaxation 0.35) is the default of ease and of
// hybrid over ease since 1.6.  A model stored before has neither key in its
// parameters and was plain EASE: restoring it must read both as 0, not as
// today's defaults, while train() without them gets the new defaults.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/algorithm_registry.hpp"
#include "core/train_params.hpp"

namespace steam_rec::rec {
namespace {

// What a 1.5 model of `algorithm` stored: every key of today but the two.
std::vector<ParamValue> stored_before_rdlae(const std::string& algorithm) {
  std::vector<ParamValue> stored;
  for (const ParamValue& value : describe_params(resolve_params(algorithm, {})))
    if (value.key != "dropout" && value.key != "diagonal_relaxation") stored.push_back(value);
  return stored;
}

TEST(StoredModelWithoutRdlaeKeys, TrainingWithoutThemGetsRdlae) {
  for (const char* algorithm : {"ease", "hybrid"}) {
    const TrainParams trained = resolve_params(algorithm, {});
    EXPECT_FLOAT_EQ(trained.dropout, 0.4f) << algorithm;
    EXPECT_FLOAT_EQ(trained.diagonal_relaxation, 0.35f) << algorithm;
  }
}

TEST(StoredModelWithoutRdlaeKeys, RestoresAsPlainEase) {
  for (const char* algorithm : {"ease", "hybrid"}) {
    const TrainParams restored = restore_params(algorithm, stored_before_rdlae(algorithm));
    EXPECT_EQ(restored.dropout, 0.0f) << algorithm;
    EXPECT_EQ(restored.diagonal_relaxation, 0.0f) << algorithm;
    // Described again (model_report(), a retrain), it says so.
    for (const ParamValue& value : describe_params(restored))
      if (value.key == "dropout" || value.key == "diagonal_relaxation") EXPECT_EQ(value.number, 0.0) << value.key;
  }
}

TEST(StoredModelWithoutRdlaeKeys, StoredValuesStillWin) {
  const TrainParams restored = restore_params(
      "hybrid", {{"base", true, 0, "ease"}, {"dropout", false, 0.4, ""}, {"diagonal_relaxation", false, 0.2, ""}});
  EXPECT_FLOAT_EQ(restored.dropout, 0.4f);
  EXPECT_FLOAT_EQ(restored.diagonal_relaxation, 0.2f);
  // A key the model has keeps its value; a missing one reads as 0 alone.
  EXPECT_EQ(restore_params("ease", {{"dropout", false, 0.25, ""}}).diagonal_relaxation, 0.0f);
}

// The registry says which keys read so, and steam_rec.algorithms() shows it.
TEST(StoredModelWithoutRdlaeKeys, TheRegistryNamesTheAbsentValues) {
  for (const ParameterSpec& spec : parameter_specs()) {
    const std::string key = spec.key;
    if (key == "dropout" || key == "diagonal_relaxation")
      EXPECT_EQ(spec.absent, 0.0) << key;
    else
      EXPECT_TRUE(std::isnan(spec.absent)) << key;
  }
}

}  // namespace
}  // namespace steam_rec::rec
