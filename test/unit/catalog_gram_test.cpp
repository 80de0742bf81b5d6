// Collective EASE: the catalog's facts enter EASE's Gram as weighted extra
// rows of X (sum over kinds of weight^2 K K'), before lambda and the dropout
// emphasis; weights 0 leave the model as it was, bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "core/algorithm_trainers.hpp"
#include "core/catalog_gram.hpp"
#include "core/catalog_lending.hpp"
#include "core/ease_parts.hpp"
#include "core/target_factors.hpp"
#include "threads_scope.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

// Games (appids 1..4 -> 0..3): "Warhammer Dawn" and "Warhammer Dawn 2" (one
// series, each studio apart), "Star Tide" by Studio A (Dawn's developer) and
// published by Publisher C, "Tide Pods" by Studio D, published by Publisher C.
// Words: warhammer, dawn in 2 of 4 rows, star, pods in 1, tide in 2.
void add_catalog(TrainingSet& d) {
  d.add_catalog(1, "Studio A", "Publisher A", "Warhammer Dawn");
  d.add_catalog(2, "Studio B", "Publisher B", "Warhammer Dawn 2");
  d.add_catalog(3, "Studio A", "Publisher C", "Star Tide");
  d.add_catalog(4, "Studio D", "Publisher C", "Tide Pods");
}

TrainingSet data(bool with_catalog) {
  const std::vector<std::vector<std::int64_t>> owned = {{1, 2}, {1, 2, 3}, {2, 3}, {1, 3, 4},
                                                        {2, 4}, {1, 2, 4}, {3, 4}, {1, 2, 3, 4}};
  TrainingSet d;
  for (std::size_t p = 0; p < owned.size(); ++p)
    for (std::int64_t appid : owned[p]) d.add_owned(static_cast<std::int64_t>(p + 1), appid, 0);
  if (with_catalog) add_catalog(d);
  d.finish(no_cancel);
  return d;
}

TrainParams ease_with(double names, double studios, double series) {
  return resolve_params("ease",
                        {ParamValue{"lambda", false, 1, ""}, ParamValue{"catalog_name_weight", false, names, ""},
                         ParamValue{"catalog_studio_weight", false, studios, ""},
                         ParamValue{"catalog_series_weight", false, series, ""}});
}

// The catalog term alone: add_catalog_gram() on a zero upper triangle.
Eigen::MatrixXd term(const TrainingSet& d, const TrainParams& params) {
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(4, 4);
  add_catalog_gram(gram, {0, 1, 2, 3}, d, params, no_cancel);
  return gram;
}

// The cosine of two games' names, from the stored IDF vectors.
double name_cosine(const TrainingSet& d, std::int32_t a, std::int32_t b) {
  const SparseRows& w = d.name_words_by_game();
  double dot = 0;
  for (std::int64_t p = w.offset[a]; p < w.offset[a + 1]; ++p)
    for (std::int64_t q = w.offset[b]; q < w.offset[b + 1]; ++q)
      if (w.index[p] == w.index[q]) dot += static_cast<double>(w.value[p]) * w.value[q];
  return dot;
}

}  // namespace

TEST(CatalogGram, GamesOfOneSeriesGainTheSeriesWeightSquared) {
  const TrainingSet d = data(true);
  const Eigen::MatrixXd g = term(d, ease_with(0, 0, 2));
  EXPECT_EQ(g(0, 1), 4.0);  // Warhammer Dawn and Warhammer Dawn 2
  EXPECT_EQ(g(0, 0), 4.0);  // each game's own row of K on the diagonal
  EXPECT_EQ(g(1, 1), 4.0);
  EXPECT_EQ(g(0, 2), 0.0);
  EXPECT_EQ(g(2, 3), 0.0);
  EXPECT_EQ(g(1, 0), 0.0);  // the lower triangle is left alone
}

TEST(CatalogGram, ADeveloperOrPublisherSharedCountsOnceEachKeyKindsApart) {
  const TrainingSet d = data(true);
  const Eigen::MatrixXd g = term(d, ease_with(0, 3, 0));
  EXPECT_EQ(g(0, 2), 9.0);  // Studio A develops both
  EXPECT_EQ(g(2, 3), 9.0);  // Publisher C publishes both
  EXPECT_EQ(g(0, 1), 0.0);
  EXPECT_EQ(g(0, 0), 18.0);  // a developer and a publisher key
}

TEST(CatalogGram, NameWordsAddTheWeightSquaredTimesTheCosine) {
  const TrainingSet d = data(true);
  const Eigen::MatrixXd g = term(d, ease_with(2, 0, 0));
  EXPECT_NEAR(g(0, 1), 4 * name_cosine(d, 0, 1), 1e-12);
  EXPECT_GT(g(0, 1), 0.0);
  EXPECT_NEAR(g(2, 3), 4 * name_cosine(d, 2, 3), 1e-12);  // "tide"
  EXPECT_GT(g(2, 3), 0.0);
  EXPECT_EQ(g(0, 2), 0.0);
  EXPECT_NEAR(g(0, 0), 4.0, 1e-6);  // vectors of length 1
}

// The term enters before lambda and the dropout emphasis: the model equals
// EASE's weights from the augmented Gram built by hand.
TEST(CatalogGram, TrainsRdlaeOnTheAugmentedGram) {
  const TrainingSet d = data(true);
  const TrainParams params = ease_with(2, 1, 2);
  const SparseRows trained = train_ease(d, params, no_cancel);

  DenseMatrix gram(4, 4);
  const SparseRows& x = d.by_player();
  for (std::int32_t u = 0; u < x.rows(); ++u)
    for (std::int64_t p = x.offset[u]; p < x.offset[u + 1]; ++p)
      for (std::int64_t q = x.offset[u]; q < x.offset[u + 1]; ++q)
        if (x.index[p] <= x.index[q]) gram(x.index[p], x.index[q]) += 1.0;  // engagement weight 0: ones
  const Eigen::MatrixXd facts = term(d, params);
  gram.matrix() += facts;
  const SparseRows by_hand = ease_weights_from_gram(gram, {0, 1, 2, 3}, owner_counts(d), params, no_cancel);
  ASSERT_EQ(trained.index, by_hand.index);
  for (std::size_t k = 0; k < trained.value.size(); ++k) EXPECT_NEAR(trained.value[k], by_hand.value[k], 1e-6);
  // and it is not plain RDLAE
  const SparseRows without = train_ease(d, ease_with(0, 0, 0), no_cancel);
  EXPECT_NE(trained.value, without.value);
}

TEST(CatalogGram, WeightsZeroGiveTheModelWithoutTheCatalogBitForBit) {
  const SparseRows before = train_ease(data(false), ease_with(0, 0, 0), no_cancel);
  const SparseRows zero = train_ease(data(true), ease_with(0, 0, 0), no_cancel);
  EXPECT_EQ(before.offset, zero.offset);
  EXPECT_EQ(before.index, zero.index);
  EXPECT_EQ(before.value, zero.value);
  // No catalog read: the defaults train as before too.
  const SparseRows defaults = train_ease(data(false), ease_with(2, 1, 2), no_cancel);
  EXPECT_EQ(before.value, defaults.value);
}

TEST(CatalogGram, DefaultsAreTwoOneTwoAndAbsentReadsZero) {
  const TrainParams defaults = resolve_params("ease", {});
  EXPECT_EQ(defaults.catalog_name_weight, 2.0f);
  EXPECT_EQ(defaults.catalog_studio_weight, 1.0f);
  EXPECT_EQ(defaults.catalog_series_weight, 2.0f);
  // A model stored before the keys existed added no facts.
  for (const char* algorithm : {"ease", "hybrid"}) {
    const TrainParams stored = restore_params(algorithm, {ParamValue{"lambda", false, 50, ""}});
    EXPECT_EQ(stored.catalog_name_weight, 0.0f) << algorithm;
    EXPECT_EQ(stored.catalog_studio_weight, 0.0f) << algorithm;
    EXPECT_EQ(stored.catalog_series_weight, 0.0f) << algorithm;
  }
}

TEST(CatalogGram, EaseAndAHybridOverEaseReadTheCatalogWhenAWeightIsAboveZero) {
  EXPECT_TRUE(uses_catalog(resolve_params("ease", {})));
  EXPECT_FALSE(uses_catalog(ease_with(0, 0, 0)));
  EXPECT_TRUE(uses_catalog(ease_with(0, 0, 1)));
  EXPECT_TRUE(uses_catalog(resolve_params("hybrid", {ParamValue{"new_game_weight", false, 0, ""}})));
  EXPECT_FALSE(uses_catalog(resolve_params(
      "hybrid",
      {ParamValue{"new_game_weight", false, 0, ""}, ParamValue{"catalog_name_weight", false, 0, ""},
       ParamValue{"catalog_studio_weight", false, 0, ""}, ParamValue{"catalog_series_weight", false, 0, ""}})));
  EXPECT_FALSE(uses_catalog(resolve_params("itemknn", {})));
}

// 600 players over 200 games, every game with a studio, a series for every
// fifth and a name: several chunks of the term's loop.
TEST(CatalogGram, OneAndTwoThreadsTrainTheSameBits) {
  auto build = [] {
    std::mt19937 random(11);
    TrainingSet d;
    for (std::int64_t player = 1; player <= 600; ++player) {
      const int games = 3 + static_cast<int>(random() % 20);
      for (int n = 0; n < games; ++n)
        d.add_owned(player, 100 + static_cast<int>(random() % 200), static_cast<float>(random() % 100) / 100.0f);
    }
    for (int appid = 100; appid < 300; ++appid)
      d.add_catalog(
          appid, "Studio " + std::to_string(appid % 13), "Publisher " + std::to_string(appid % 7),
          "Word" + std::to_string(appid % 11) + " Other" + std::to_string(appid % 5) + (appid % 5 == 0 ? " 2" : ""));
    d.finish(no_cancel);
    return d;
  };
  const TrainingSet d = build();
  ASSERT_GT(d.catalog_by_game().nonzeros(), 400);
  const TrainParams params = resolve_params("ease", {});
  SparseRows one, two;
  {
    steam_rec::Threads threads(1);
    one = train_ease(d, params, no_cancel);
  }
  {
    steam_rec::Threads threads(2);
    two = train_ease(d, params, no_cancel);
  }
  EXPECT_EQ(one.offset, two.offset);
  EXPECT_EQ(one.index, two.index);
  EXPECT_EQ(one.value, two.value);
  // and the facts took part
  const TrainParams without = resolve_params(
      "ease", {ParamValue{"catalog_name_weight", false, 0, ""}, ParamValue{"catalog_studio_weight", false, 0, ""},
               ParamValue{"catalog_series_weight", false, 0, ""}});
  EXPECT_NE(one.value, train_ease(d, without, no_cancel).value);
}

// What a role that may not read the catalog is told to pass 0: only the
// weights its algorithm takes and left above 0 (EASE takes no lending
// weight), and leaving the catalog out sets every one of them to 0.
TEST(CatalogGram, TheWeightsToPassZeroAreThoseTakenAndAboveZero) {
  // The registry marks them: the lendings' four and the Gram's three.
  EXPECT_EQ(catalog_parameters(),
            (std::vector<std::string>{"catalog_name_weight", "catalog_studio_weight", "catalog_series_weight",
                                      "studio_weight", "series_weight", "name_word_weight", "release_years_scale"}));
  EXPECT_EQ(catalog_parameters_above_zero(resolve_params("ease", {})),
            "catalog_name_weight, catalog_studio_weight and catalog_series_weight");
  EXPECT_EQ(catalog_parameters_above_zero(ease_with(0, 1, 0)), "catalog_studio_weight");
  EXPECT_EQ(catalog_parameters_above_zero(ease_with(0, 0, 0)), "");
  EXPECT_EQ(catalog_parameters_above_zero(resolve_params("hybrid", {ParamValue{"base", true, 0, "itemknn"}})),
            "studio_weight, series_weight, name_word_weight and release_years_scale");
  TrainParams left_out = resolve_params("hybrid", {});
  leave_catalog_out(left_out);
  EXPECT_FALSE(uses_catalog(left_out));
  EXPECT_EQ(catalog_parameters_above_zero(left_out), "");
}
