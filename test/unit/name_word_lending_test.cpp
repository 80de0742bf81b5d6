// Lendings by the words of the name: an owned game leads to the new games
// whose names share its rare words, by the cosine of the names.
#include <gtest/gtest.h>

#include <cmath>

#include "core/catalog_lending.hpp"
#include "core/name_words.hpp"
#include "core/target_factors.hpp"
#include "core/trainer.hpp"
#include "stored_weight.hpp"

using namespace steam_rec::rec;

namespace {

steam_rec::CancelCheck no_cancel;

using Words = std::vector<std::string>;

// Owned: "Warhammer Dawn" (1) and "Other Game" (2); new: "Warhammer Tide"
// (10) and "Tide Pods" (11); in the catalog only, counted in how rare a word
// is: "Filler One" (20) and "Filler Two" (21).  Six rows: "warhammer" and
// "tide" are in two of them, "dawn" and "pods" in one.
TrainingSet data() {
  TrainingSet d;
  for (int p = 1; p <= 4; ++p) {
    d.add_owned(p, 1, 0.5f);
    d.add_owned(p, 2, 0.5f);
  }
  for (int appid : {1, 2, 10, 11}) d.add_tag(appid, "Puzzle", 1);
  d.add_catalog(1, "Studio A", "Publisher A", "Warhammer Dawn");
  d.add_catalog(2, "Studio B", "Publisher B", "Other Game");
  d.add_catalog(10, "Studio C", "Publisher C", "Warhammer: Tide");
  d.add_catalog(11, "Studio D", "Publisher D", "Tide Pods");
  d.add_catalog(20, "Studio E", "Publisher E", "Filler One");
  d.add_catalog(21, "Studio F", "Publisher F", "Filler Two");
  d.finish(no_cancel);
  return d;
}

constexpr std::int32_t kDawn = 0, kOther = 1, kTide = 2, kPods = 3;

// Both owned games lend weight 1 to both new games, as tag lendings would.
SparseRows lent_rows() { return rows_lending_one(4, {kDawn, kOther}, {kTide, kPods}); }

}  // namespace

TEST(NameWords, LowerCaseWordsWithoutNumbersNumeralsOrSingleCharacters) {
  EXPECT_EQ(name_words("Warhammer 40,000: Dawn of War"), (Words{"warhammer", "dawn", "of", "war"}));
  EXPECT_EQ(name_words("Dark Souls\xE2\x84\xA2 III"), (Words{"dark", "souls"}));
  EXPECT_EQ(name_words("Half-Life 2: Episode One"), (Words{"half", "life", "episode", "one"}));
  EXPECT_EQ(name_words("Sid Meier's Civilization V"), (Words{"sid", "meier's", "civilization"}));
  EXPECT_EQ(name_words("X-COM: UFO Defense, a UFO game"), (Words{"com", "ufo", "defense", "game"}));
  EXPECT_EQ(name_words(""), Words{});
}

TEST(NameWords, EachGamesRowIsItsIdfVectorOfLengthOne) {
  const TrainingSet d = data();
  const SparseRows& words = d.name_words_by_game();
  ASSERT_EQ(words.rows(), 4);  // the catalog-only rows add no game
  for (std::int32_t g = 0; g < 4; ++g) {
    double length = 0;
    for (std::int64_t p = words.offset[g]; p < words.offset[g + 1]; ++p) length += words.value[p] * words.value[p];
    EXPECT_NEAR(length, 1, 1e-6);
  }
  // "Warhammer Dawn": warhammer in 2 of 6 rows, dawn in 1.
  ASSERT_EQ(words.offset[kDawn + 1] - words.offset[kDawn], 2);
  const double warhammer = std::log(3.0), dawn = std::log(6.0);
  const float values[2] = {words.value[words.offset[kDawn]], words.value[words.offset[kDawn] + 1]};
  EXPECT_NEAR(std::min(values[0], values[1]), warhammer / std::hypot(warhammer, dawn), 1e-6);
}

TEST(NameWordLendings, ANewGameSharingRareWordsGainsTheirCosine) {
  const TrainingSet d = data();
  SparseRows rows = lent_rows();
  add_catalog_lendings(d, owner_counts(d), CatalogWeights{0, 0, 10}, 50, rows, no_cancel);
  // The scale is the median largest lent weight: 1.
  const double w = std::log(3.0), cosine = w * w / (std::hypot(w, std::log(6.0)) * std::hypot(w, w));
  EXPECT_NEAR(stored_weight(rows, kDawn, kTide), 1 + 10 * cosine, 1e-5);
  EXPECT_FLOAT_EQ(stored_weight(rows, kDawn, kPods), 1);
  EXPECT_FLOAT_EQ(stored_weight(rows, kOther, kTide), 1);
  EXPECT_FLOAT_EQ(stored_weight(rows, kOther, kPods), 1);
}

TEST(NameWordLendings, AddsNewGamesTheTagsDidNotLendTo) {
  const TrainingSet d = data();
  SparseRows rows;
  rows.offset = {0, 1, 2, 2, 2};  // both owned games lend 1 to "Tide Pods" only
  rows.index = {kPods, kPods};
  rows.value = {1.0f, 1.0f};
  add_catalog_lendings(d, owner_counts(d), CatalogWeights{0, 0, 10}, 50, rows, no_cancel);
  EXPECT_GT(stored_weight(rows, kDawn, kTide), 0.0f);
  EXPECT_EQ(stored_weight(rows, kOther, kTide), 0.0f);
}

TEST(NameWordLendings, WeightZeroChangesNothing) {
  const TrainingSet d = data();
  const SparseRows before = lent_rows();
  SparseRows rows = lent_rows();
  add_catalog_lendings(d, owner_counts(d), CatalogWeights{3, 30, 0}, 50, rows, no_cancel);
  EXPECT_EQ(rows.index, before.index);
  EXPECT_EQ(rows.value, before.value);
}

TEST(NameWordLendings, DefaultAndUse) {
  EXPECT_EQ(TrainParams{}.name_word_weight, 15.0f);
  EXPECT_TRUE(uses_catalog(resolve_params(
      "hybrid", {ParamValue{"studio_weight", false, 0, ""}, ParamValue{"series_weight", false, 0, ""}})));
  EXPECT_FALSE(uses_catalog(resolve_params(
      "hybrid", {ParamValue{"studio_weight", false, 0, ""}, ParamValue{"series_weight", false, 0, ""},
                 ParamValue{"name_word_weight", false, 0, ""}, ParamValue{"release_years_scale", false, 0, ""},
                 ParamValue{"catalog_name_weight", false, 0, ""}, ParamValue{"catalog_studio_weight", false, 0, ""},
                 ParamValue{"catalog_series_weight", false, 0, ""}})));
}

namespace {

bool stop_now(void*) noexcept { return true; }

}  // namespace

// A word in many owned and many new names costs owned x new steps: a cancel
// stops them.
TEST(NameWordLendings, ACancelStopsTheLendingsOfACommonWord) {
  TrainingSet d;
  for (int g = 1; g <= 100; ++g) {
    d.add_owned(g, g, 0.5f);
    d.add_tag(g, "Puzzle", 1);
    d.add_catalog(g, "", "", "Simulator " + std::to_string(g));
  }
  for (int g = 1001; g <= 1100; ++g) {
    d.add_tag(g, "Puzzle", 1);
    d.add_catalog(g, "", "", "Simulator " + std::to_string(g));
  }
  d.add_catalog(5000, "", "", "Other");  // not every name has the word
  d.finish(no_cancel);
  SparseRows rows;
  rows.offset = {0};
  for (std::int32_t g = 0; g < d.games(); ++g) {
    if (g < 100) {
      rows.index.push_back(100);
      rows.value.push_back(1.0f);
    }
    rows.offset.push_back(rows.nonzeros());
  }
  steam_rec::CancelCheck stop(stop_now, nullptr);
  EXPECT_THROW(add_catalog_lendings(d, owner_counts(d), CatalogWeights{0, 0, 10}, 50, rows, stop),
               steam_rec::Cancelled);
}

TEST(NameWords, WordsLendFromTheRarestWithinAPairBudget) {
  using Counts = std::vector<std::int64_t>;
  using Kept = std::vector<bool>;
  // 40,000 names: the budget is 40,000² / 8 = 2e8 pairs; a word in 9,000
  // names is 8.1e7 of them: two such words fit, one in 10,001 does not,
  // while every rare word does.
  EXPECT_EQ(lending_words(Counts{9000, 3, 9000, 10001, 5}, 40000), (Kept{true, true, true, false, true}));
  // Words as common as one left out are all left out, whatever their order.
  EXPECT_EQ(lending_words(Counts{10000, 10000, 10000, 2}, 40000), (Kept{false, false, false, true}));
  // A word in every name of a large catalog: 5,000² pairs, over 1e7.
  EXPECT_EQ(lending_words(Counts{5000, 1, 1}, 5001), (Kept{false, true, true}));
  // Up to 1e7 pairs are always kept: a small catalog keeps every word.
  EXPECT_EQ(lending_words(Counts{1000, 1000, 1000, 2, 2}, 1000), Kept(5, true));
  EXPECT_EQ(lending_words(Counts{2, 2, 1}, 6), (Kept{true, true, true}));
  // The real catalog's commonest words ("the", "of", "pack", ...) and its
  // 6.7e7 pairs in all: within 33,492² / 8 = 1.4e8.
  EXPECT_EQ(lending_words(Counts{4847, 3819, 3250, 1486, 1414}, 33492), Kept(5, true));
}

// "Journey <a word of its own>" in 4,000 names and one name without it:
// "journey" tells almost no game apart and would lend every owned game to
// every new one.  Each name keeps only its own word.
TEST(NameWords, ACommonWordIsLeftOutOfTheNames) {
  TrainingSet d;
  auto own_word = [](int g) {
    std::string w = "q";
    for (; g > 0; g /= 26) w += static_cast<char>('a' + g % 26);
    return w;
  };
  for (int g = 1; g <= 4000; ++g) {
    if (g <= 2000) d.add_owned(g, g, 0.5f);
    d.add_tag(g, "Puzzle", 1);
    d.add_catalog(g, "", "", "Journey " + own_word(g));
  }
  d.add_catalog(5000, "", "", "Other Thing");
  d.finish(no_cancel);
  const SparseRows& words = d.name_words_by_game();
  ASSERT_EQ(words.rows(), 4000);
  for (std::int32_t g = 0; g < words.rows(); ++g) {
    ASSERT_EQ(words.offset[g + 1] - words.offset[g], 1) << "game " << g;
    EXPECT_NEAR(words.value[words.offset[g]], 1, 1e-6);
  }
}

// Catalog rows of games outside the training set (nobody owns or tags them)
// cost the lendings nothing: they do not widen the budget.  Before, 12,000
// such rows kept "journey" in all 4,000 names of the set's games.
TEST(NameWords, TheBudgetCountsTheNamesOfTheSetsGamesOnly) {
  TrainingSet d;
  for (int g = 1; g <= 4000; ++g) {
    if (g <= 2000) d.add_owned(g, g, 0.5f);
    d.add_tag(g, "Puzzle", 1);
    d.add_catalog(g, "", "",
                  "Journey q" + std::to_string(g * 7919 % 100000 + 100000).substr(1) + "x" +
                      std::string(1, static_cast<char>('a' + g % 26)));
  }
  for (int g = 100001; g <= 112000; ++g) d.add_catalog(g, "", "", "Other");
  d.finish(no_cancel);
  const SparseRows& words = d.name_words_by_game();
  for (std::int32_t g = 0; g < words.rows(); ++g) ASSERT_EQ(words.offset[g + 1] - words.offset[g], 1) << "game " << g;
}
