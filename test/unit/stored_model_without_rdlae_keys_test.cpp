// RDLAE (dropout 0.4, diagonal_relaxation 0.35) is the default of ease and of
// hybrid over ease since 1.6.  A model stored before has neither key in its
// parameters and was plain EASE: restoring it must read both as 0, not as
// today's defaults, while train() without them gets the new defaults.
// Likewise new_game_weight (hybrid) and tag_popularity_exponent (content and
// hybrid), 1 since 1.6: a model stored before had neither and trained as 0.
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
      if (value.key == "dropout" || value.key == "diagonal_relaxation") {
        EXPECT_EQ(value.number, 0.0) << value.key;
      }
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

// A 1.5 hybrid or content model: its keys of 1.5 alone.
TEST(StoredModelWithoutNewGameKeys, RestoresWithoutNewGameScoring) {
  for (const char* algorithm : {"hybrid", "content"}) {
    std::vector<ParamValue> stored;
    for (const ParamValue& value : describe_params(resolve_params(algorithm, {})))
      if (value.key != "new_game_weight" && value.key != "tag_popularity_exponent" && value.key != "tag_ridge_weight")
        stored.push_back(value);
    const TrainParams restored = restore_params(algorithm, stored);
    if (std::string(algorithm) == "hybrid") {
      EXPECT_EQ(restored.tag_ridge_weight, 0.0f);
    }
    EXPECT_EQ(restored.new_game_weight, std::string(algorithm) == "hybrid" ? 0.0f : 1.0f) << algorithm;
    EXPECT_EQ(restored.tag_popularity_exponent, 0.0f) << algorithm;
  }
  const TrainParams trained = resolve_params("hybrid", {});
  EXPECT_FLOAT_EQ(trained.new_game_weight, 1.0f);
  EXPECT_FLOAT_EQ(trained.tag_popularity_exponent, 1.0f);
  // A stored value wins; the other missing key alone reads as 0.
  const TrainParams kept = restore_params("hybrid", {{"new_game_weight", false, 2, ""}});
  EXPECT_FLOAT_EQ(kept.new_game_weight, 2.0f);
  EXPECT_EQ(kept.tag_popularity_exponent, 0.0f);
}

// The registry says which keys read so, and steam_rec.algorithms() shows it.
TEST(StoredModelWithoutRdlaeKeys, TheRegistryNamesTheAbsentValues) {
  for (const ParameterSpec& spec : parameter_specs()) {
    const std::string key = spec.key;
    if (key == "dropout" || key == "diagonal_relaxation" || key == "new_game_weight" ||
        key == "tag_popularity_exponent" || key == "tag_ridge_weight" || key == "studio_weight" ||
        key == "series_weight" || key == "name_word_weight" || key == "release_years_scale" ||
        key == "catalog_name_weight" || key == "catalog_studio_weight" || key == "catalog_series_weight")
      EXPECT_EQ(spec.absent, 0.0) << key;
    else if (key == "rerank_candidates")  // 0 before 1.7, which stores the re-ranker
      EXPECT_EQ(spec.absent, 0.0) << key;
    else if (key == "regularization")  // iALS's defaults before 1.6
      EXPECT_EQ(spec.absent, static_cast<double>(0.02f)) << key;
    else if (key == "exponent")
      EXPECT_EQ(spec.absent, 1.0) << key;
    else
      EXPECT_TRUE(std::isnan(spec.absent)) << key;
  }
}

}  // namespace
}  // namespace steam_rec::rec
