// The hybrid re-ranks its best 100 by default since SQL 1.7, which stores
// the re-ranker; a database at older SQL, or one that cannot store it (a
// Citus cluster), keeps 0 unless it asks; no other algorithm is re-ranked.
#include <gtest/gtest.h>

#include <string>

#include "core/algorithm_description.hpp"
#include "core/algorithm_registry.hpp"
#include "core/train_params.hpp"

namespace steam_rec::rec {
namespace {

Defaults without_stored_reranker() {
  Defaults defaults;
  defaults.stores_reranker = false;
  return defaults;
}

TEST(RerankerDefault, TheHybridReranksItsBest100) {
  EXPECT_EQ(resolve_params("hybrid", {}).rerank_candidates, 100);
  EXPECT_EQ(resolve_params("hybrid", {}, Defaults::of_sql(1, 7)).rerank_candidates, 100);
  EXPECT_EQ(resolve_params("hybrid", {{"base", true, 0, "itemknn"}}).rerank_candidates, 100);
}

TEST(RerankerDefault, NoOtherAlgorithmIsReranked) {
  for (const AlgorithmSpec& algorithm : algorithms()) {
    if (std::string(algorithm.name) == "hybrid") continue;
    EXPECT_EQ(resolve_params(algorithm.name, {}).rerank_candidates, 0) << algorithm.name;
    EXPECT_EQ(restore_params(algorithm.name, {}).rerank_candidates, 0) << algorithm.name;
  }
}

TEST(RerankerDefault, OlderSqlKeepsNone) {
  for (const Defaults& older : {Defaults::of_sql(1, 6), Defaults::of_sql(1, 5), Defaults::of_sql(1, 0)})
    EXPECT_EQ(resolve_params("hybrid", {}, older).rerank_candidates, 0) << older.sql_version;
  // The other keys changed in 1.6 keep today's defaults at 1.6.
  const TrainParams at_1_6 = resolve_params("hybrid", {}, Defaults::of_sql(1, 6));
  EXPECT_FLOAT_EQ(at_1_6.dropout, 0.4f);
  EXPECT_FLOAT_EQ(at_1_6.new_game_weight, 1.0f);
  // A value given is kept (train() there refuses it; evaluate() measures it).
  EXPECT_EQ(resolve_params("hybrid", {{"rerank_candidates", false, 30}}, Defaults::of_sql(1, 6)).rerank_candidates, 30);
}

TEST(RerankerDefault, ADatabaseThatCannotStoreItKeepsNone) {
  const TrainParams params = resolve_params("hybrid", {}, without_stored_reranker());
  EXPECT_EQ(params.rerank_candidates, 0);
  EXPECT_FLOAT_EQ(params.dropout, 0.4f);  // every other default is today's
  EXPECT_EQ(resolve_params("hybrid", {{"rerank_candidates", false, 20}}, without_stored_reranker()).rerank_candidates,
            20);
}

TEST(RerankerDefault, AStoredModelWithoutTheKeyHadNone) {
  EXPECT_EQ(restore_params("hybrid", {}).rerank_candidates, 0);
  EXPECT_EQ(restore_params("hybrid", {{"rerank_candidates", false, 100}}).rerank_candidates, 100);
}

TEST(RerankerDefault, SqlOf1_6StillNamesTheKey) {
  // 1.6 had the key (evaluate() took it), so its models store it.
  bool named = false;
  for (const ParamValue& value :
       describe_params(resolve_params("hybrid", {}, Defaults::of_sql(1, 6)), Defaults::of_sql(1, 6)))
    if (value.key == "rerank_candidates") {
      named = true;
      EXPECT_EQ(value.number, 0);
    }
  EXPECT_TRUE(named);
}

TEST(RerankerDefault, AlgorithmsShowsTheDefaultOfTheDatabase) {
  const AlgorithmSpec& hybrid = *find_algorithm("hybrid");
  const std::string today = parameters_json(hybrid);
  EXPECT_NE(today.find("\"rerank_candidates\": {\"kind\": \"integer\", \"default\": 100, \"min\": 0, \"max\": 500, "
                       "\"absent\": 0}"),
            std::string::npos)
      << today;
  const std::string at_1_6 = parameters_json(hybrid, Defaults::of_sql(1, 6));
  EXPECT_NE(at_1_6.find("\"rerank_candidates\": {\"kind\": \"integer\", \"default\": 0, \"min\": 0, \"max\": 500}"),
            std::string::npos)
      << at_1_6;
  // RDLAE changed in 1.6: its absent value is shown at 1.6, not at 1.5.
  EXPECT_NE(at_1_6.find("\"dropout\": {\"kind\": \"number\", \"default\": 0.4"), std::string::npos) << at_1_6;
  EXPECT_EQ(parameters_json(hybrid, Defaults::of_sql(1, 5)).find("\"absent\""), std::string::npos);
}

}  // namespace
}  // namespace steam_rec::rec
