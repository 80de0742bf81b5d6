// Training parameters: what train() accepts, how a model stores them, and
// that a stored model always loads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "core/algorithm_registry.hpp"
#include "core/errors.hpp"
#include "core/train_params.hpp"

namespace steam_rec::rec {
namespace {

std::string refusal(const std::string& algorithm, const std::vector<ParamValue>& given) {
  try {
    resolve_params(algorithm, given);
  } catch (const InvalidArgument& e) {
    return e.what();
  }
  return "";
}

// Defect 1: seed 2147483647 was stored as 2147484000 (%.7g) and the model
// could no longer be served; 12345678 came back as 12345680.
TEST(StoredParams, IntegersAreStoredExactly) {
  for (double seed : {0.0, 12345678.0, 2147483647.0}) {
    ParamValue described{"seed", false, seed, "", true};
    const std::string text = param_number_text(described);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), seed) << text;
    EXPECT_EQ(text.find_first_of(".eE"), std::string::npos) << text;
  }
}

// A positive value below a float's smallest was accepted and held as 0:
// release_years_scale 1e-50 trained as if the dates were off.
TEST(TrainParams, APositiveValueThatAFloatHoldsAsZeroIsRefused) {
  const std::string refused = refusal("hybrid", {ParamValue{"release_years_scale", false, 1e-50, ""}});
  EXPECT_NE(refused.find("\"release_years_scale\" must be 0 or at least"), std::string::npos) << refused;
  EXPECT_NE(refused.find("not 1e-50"), std::string::npos) << refused;
  EXPECT_EQ(resolve_params("hybrid", {ParamValue{"release_years_scale", false, 1e-40, ""}}).release_years_scale,
            static_cast<float>(1e-40));
  EXPECT_EQ(resolve_params("hybrid", {ParamValue{"release_years_scale", false, 0, ""}}).release_years_scale, 0.0f);
}

TEST(StoredParams, FloatsReadBackToTheSameFloat) {
  for (float value : {0.02f, 1e-6f, 1e-3f, 0.75f, 1e9f, 1e6f, 1.2f, 3.14159274f, 1.0f / 3.0f}) {
    ParamValue described{"lambda", false, value, "", false};
    const std::string text = param_number_text(described);
    EXPECT_EQ(std::strtof(text.c_str(), nullptr), value) << text;
  }
  EXPECT_EQ(param_number_text(ParamValue{"regularization", false, 0.02f, "", false}), "0.02");
}

TEST(StoredParams, EveryDescribedModelRestoresToTheSameParameters) {
  for (const AlgorithmSpec& spec : algorithms()) {
    const std::string algorithm = spec.name;
    const TrainParams trained = resolve_params(algorithm, {});
    std::vector<ParamValue> stored = describe_params(trained);
    for (ParamValue& v : stored)
      if (!v.is_text) v.number = std::strtod(param_number_text(v).c_str(), nullptr);
    const std::vector<ParamValue> again = describe_params(restore_params(algorithm, stored));
    ASSERT_EQ(again.size(), stored.size()) << algorithm;
    for (std::size_t i = 0; i < stored.size(); ++i) {
      EXPECT_EQ(again[i].key, stored[i].key);
      EXPECT_EQ(param_number_text(again[i]), param_number_text(stored[i])) << algorithm << " " << stored[i].key;
      EXPECT_EQ(again[i].text, stored[i].text);
    }
  }
}

// A stored model loads whatever its parameters say: validation belongs to train().
TEST(StoredParams, RestoringNeverRefusesAValue) {
  const TrainParams restored = restore_params("hybrid", {{"seed", false, 2147484000.0, ""},
                                                         {"factors", false, -5, ""},
                                                         {"unobserved_weight", false, 9.99e-7, ""},
                                                         {"no_such_key", false, 1, ""},
                                                         {"weighting", true, 0, "bogus"},
                                                         {"lambda", true, 0, "text"},
                                                         {"alpha", false, NAN, ""},
                                                         {"base", true, 0, "ials"}});
  EXPECT_EQ(restored.seed, 2147483647);
  EXPECT_EQ(restored.factors, 1);
  EXPECT_GT(restored.unobserved_weight, 0.0f);
  EXPECT_STREQ(restored.base->name, "ials");
  EXPECT_EQ(restored.alpha, TrainParams{}.alpha);
  EXPECT_THROW(restore_params("svd", {}), InvalidArgument);
}

// Defect 11: a hybrid silently dropped the parameters of another base.
TEST(HybridParams, ParametersOfAnotherBaseAreRefusedNamingTheirBase) {
  const std::string lambda = refusal("hybrid", {{"base", true, 0, "itemknn"}, {"lambda", false, 100, ""}});
  EXPECT_NE(lambda.find("parameter \"lambda\" belongs to a hybrid with base ease, not itemknn"), std::string::npos)
      << lambda;
  const std::string factors = refusal("hybrid", {{"factors", false, 8, ""}});
  EXPECT_NE(factors.find("parameter \"factors\" belongs to a hybrid with base ials, not ease"), std::string::npos)
      << factors;
  // The order of the keys does not matter: the base decides.
  EXPECT_EQ(resolve_params("hybrid", {{"factors", false, 8, ""}, {"base", true, 0, "ials"}}).factors, 8);
  EXPECT_NE(refusal("hybrid", {{"weighting", true, 0, "none"}}).find("base itemknn"), std::string::npos);
  EXPECT_EQ(resolve_params("hybrid", {{"base", true, 0, "itemknn"}, {"weighting", true, 0, "none"}}).weighting,
            Weighting::none);
  // The hybrid's own and its content part's parameters go with every base.
  for (const std::string& base : find_parameter("base")->values())
    EXPECT_EQ(resolve_params("hybrid", {{"base", true, 0, base},
                                        {"content_weight", false, 0.5, ""},
                                        {"content_neighbors", false, 7, ""},
                                        {"engagement_weight", false, 1, ""}})
                  .content_neighbors,
              7);
  EXPECT_NE(refusal("ease", {{"factors", false, 8, ""}}).find("unknown parameter \"factors\""), std::string::npos);
}

}  // namespace
}  // namespace steam_rec::rec
