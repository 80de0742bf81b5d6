// The catalog's facts count in the training memory estimate: what a row
// costs grows with the words and listed names it is split into, not only
// with its bytes, and it is counted only for parameters that read the
// catalog.
#include <gtest/gtest.h>

#include <string>

#include "core/evaluation.hpp"
#include "core/train_params.hpp"
#include "core/trainer.hpp"
#include "core/training_set.hpp"

using namespace steam_rec::rec;

namespace {

// A name of `count` words of 4 letters, each its own ("waaa waab ...").
std::string many_words(int count) {
  std::string name;
  for (int i = 0; i < count; ++i) {
    if (i > 0) name += ' ';
    name += 'w';
    for (int place = 26 * 26; place >= 1; place /= 26) name += static_cast<char>('a' + i / place % 26);
  }
  return name;
}

}  // namespace

TEST(CatalogMemoryEstimate, ANameOfManyWordsCostsMoreThanItsBytes) {
  const std::string words = many_words(200);
  const std::string one_word(words.size(), 'x');
  const double of_words = TrainingSet::catalog_row_bytes("", "", words);
  // Each word is at least a std::string in the row's list and one more in a number table.
  EXPECT_GT(of_words, 200.0 * 2 * sizeof(std::string));
  EXPECT_GT(of_words, 10 * TrainingSet::catalog_row_bytes("", "", one_word));
}

TEST(CatalogMemoryEstimate, EachListedNameIsAKey) {
  std::string developers;
  for (int i = 0; i < 100; ++i) developers += (i > 0 ? "," : "") + std::string("d") + std::to_string(i);
  EXPECT_GT(TrainingSet::catalog_row_bytes(developers, "", "Game"),
            TrainingSet::catalog_row_bytes(std::string(developers.size(), 'd'), "", "Game") + 99.0 * 64);
}

TEST(CatalogMemoryEstimate, TextsAreCountedOnlyUpToWhatIsRead) {
  const std::string longest = many_words(1000);
  EXPECT_EQ(TrainingSet::catalog_row_bytes("", "", longest),
            TrainingSet::catalog_row_bytes("", "", longest.substr(0, kCatalogFieldBytes)));
}

TEST(CatalogMemoryEstimate, TheSetCountsWhatItWasGivenAndDataSizeCarriesIt) {
  TrainingSet data;
  data.add_owned(1, 10, 0.5f);
  data.add_owned(2, 20, 0.5f);
  EXPECT_EQ(data.catalog_bytes_added(), 0.0);
  data.add_catalog(10, "Studio A, Inc.", "Publisher A", many_words(50));
  data.add_catalog(20, "Studio B", "", "Tide");
  const double expected = TrainingSet::catalog_row_bytes("Studio A, Inc.", "Publisher A", many_words(50)) +
                          TrainingSet::catalog_row_bytes("Studio B", "", "Tide");
  EXPECT_DOUBLE_EQ(data.catalog_bytes_added(), expected);
  steam_rec::CancelCheck no_cancel;
  data.finish(no_cancel);
  EXPECT_DOUBLE_EQ(data_size(data).catalog_bytes, expected);
}

TEST(CatalogMemoryEstimate, AnEvaluationCountsItsOwnCopyAndWhatATrainingBuilds) {
  Evaluation evaluation;
  evaluation.add_catalog(10, "Studio A", "Publisher A", many_words(50));
  EXPECT_DOUBLE_EQ(evaluation.catalog_held_bytes(),
                   Evaluation::held_row_bytes("Studio A", "Publisher A", many_words(50)));
  EXPECT_GT(evaluation.catalog_held_bytes(), static_cast<double>(many_words(50).size()));
  EXPECT_DOUBLE_EQ(evaluation.catalog_training_bytes(),
                   TrainingSet::catalog_row_bytes("Studio A", "Publisher A", many_words(50)));
}

TEST(CatalogMemoryEstimate, CountedOnlyForParametersThatReadTheCatalog) {
  DataSize size;
  size.players = 100;
  size.games = 50;
  size.interactions = 1000;
  DataSize with_catalog = size;
  with_catalog.catalog_bytes = 1e8;
  const TrainParams ease = resolve_params("ease", {}, Defaults{});
  EXPECT_DOUBLE_EQ(training_memory_bytes(ease, with_catalog) - training_memory_bytes(ease, size), 1e8);
  const TrainParams plain_ease =
      resolve_params("ease",
                     {ParamValue{"catalog_name_weight", false, 0}, ParamValue{"catalog_studio_weight", false, 0},
                      ParamValue{"catalog_series_weight", false, 0}},
                     Defaults{});
  EXPECT_DOUBLE_EQ(training_memory_bytes(plain_ease, with_catalog), training_memory_bytes(plain_ease, size));
  const TrainParams popularity = resolve_params("popularity", {}, Defaults{});
  EXPECT_DOUBLE_EQ(training_memory_bytes(popularity, with_catalog), training_memory_bytes(popularity, size));
}
