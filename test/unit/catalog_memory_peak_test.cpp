// The memory the catalog's facts take at their peak, against what the
// training memory estimate counts for them (allocation_peak.hpp).
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>

#include "allocation_peak.hpp"
#include "core/evaluation.hpp"
#include "core/train_params.hpp"
#include "core/trainer.hpp"
#include "core/training_set.hpp"

using namespace steam_rec::rec;
#ifdef STEAM_REC_ALLOCATION_HOOKS
using steam_rec::test::peak_bytes;
#endif

namespace {

steam_rec::CancelCheck no_cancel;

// A catalog row per appid 1..rows: `name(g)`, `developers(g)`.
struct CatalogShape {
  const char* what;
  int rows;
  std::function<std::string(int)> name;
  std::function<std::string(int)> developers;
};

// Word `index` in letters, `length` long: the first `length` letters of its
// base-26 digits, then 'x's (distinct for every index below 26^length).
std::string word(int index, int length) {
  std::string text;
  for (int place = 0; place < length; ++place) {
    text += static_cast<char>('a' + index % 26);
    index /= 26;
  }
  return text;
}

// `count` words of `length` letters from word `first` on, separated by `between`.
std::string words_of(int first, int count, int length, const char* between = " ") {
  std::string text;
  for (int w = 0; w < count; ++w) text += (w > 0 ? between : "") + word(first + w, length);
  return text;
}

// 60 players over 40 games in two genres.
template <typename Set>
void add_plays(Set& set) {
  for (int p = 1; p <= 60; ++p)
    for (int g = 1; g <= 40; ++g)
      if (g % 2 == p % 2 && (p + g) % 5 != 0) set.add_owned(p, g, 0.5f);
}

}  // namespace

TEST(CatalogMemoryPeak, TheEstimateCoversWhatTheTrainingSetHolds) {
#ifndef STEAM_REC_ALLOCATION_HOOKS
  GTEST_SKIP() << "needs a sanitizer's allocation hooks";
#else
  const CatalogShape shapes[] = {
      {"100 words of 8 letters", 2000, [](int g) { return words_of(g * 100, 100, 8); }, [](int) { return "Studio"; }},
      {"340 words of 2 letters (the 1 KiB read)", 1000, [](int g) { return words_of(g % 300, 340, 2); },
       [](int) { return "Studio"; }},
      {"10 words of 100 letters", 2000, [](int g) { return words_of(g * 10, 10, 100); }, [](int) { return "Studio"; }},
      {"lists of 200 studios", 1000, [](int g) { return "Game " + word(g, 4); },
       [](int g) { return words_of(g * 200, 200, 4, ","); }},
      {"a studio and its company forms", 2000, [](int g) { return "Game " + word(g, 4); },
       [](int g) { return "Studio " + word(g, 4) + ", Inc., LLC, Ltd., Co., Corp."; }},
  };
  for (const CatalogShape& shape : shapes) {
    double estimate = 0;
    auto build = [&](bool with_catalog) {
      TrainingSet data;
      add_plays(data);
      if (with_catalog)
        for (int g = 1; g <= shape.rows; ++g) {
          data.add_catalog(g, shape.developers(g), "Publisher", shape.name(g));
        }
      data.finish(no_cancel);
      if (with_catalog) estimate = data.catalog_bytes_added();
    };
    const std::int64_t extra = peak_bytes([&] { build(true); }) - peak_bytes([&] { build(false); });
    EXPECT_GT(extra, 0) << shape.what;
    EXPECT_LT(static_cast<double>(extra), estimate) << shape.what;
  }
#endif
}

TEST(CatalogMemoryPeak, AnEvaluationBuildsTheCatalogOnlyForAnAlgorithmThatReadsIt) {
#ifndef STEAM_REC_ALLOCATION_HOOKS
  GTEST_SKIP() << "needs a sanitizer's allocation hooks";
#else
  // Before, it built the catalog's facts for every algorithm, while the
  // memory estimate counted them only for those that read them.
  auto world = [](bool catalog) {
    struct Plays {
      Evaluation& e;
      void add_owned(int p, int g, float) { e.add_play(EvalPlay{p, g, 0.5f, 3.0}); }
    };
    Evaluation e;
    Plays plays{e};
    add_plays(plays);
    for (int g = 1; g <= 40; ++g) e.add_tag(g, g % 2 ? "Puzzle" : "Shooter", 1);
    if (catalog)
      for (int g = 1; g <= 2000; ++g)
        e.add_catalog(g, "Studio " + std::to_string(g % 7), "Publisher", words_of(g * 100, 100, 8));
    EvalOptions options;
    options.min_games = 3;
    e.prepare(options, no_cancel);
    return e;
  };
  const Evaluation with = world(true), without = world(false);
  auto extra = [&](const char* algorithm) {
    const TrainParams params = resolve_params(algorithm, {}, Defaults{});
    return peak_bytes([&] { with.evaluate(params, no_cancel); }) -
           peak_bytes([&] { without.evaluate(params, no_cancel); });
  };
  // 200,000 words: about 25 MB when built.
  EXPECT_LT(extra("popularity"), 256 * 1024);
  EXPECT_LT(extra("itemknn"), 256 * 1024);
  const std::int64_t ease = extra("ease");
  EXPECT_GT(ease, 4 * 1024 * 1024);
  EXPECT_LT(static_cast<double>(ease), with.catalog_training_bytes());
#endif
}

// game_tags may hold a distinct name per row (tag_name is varchar(100)): each
// is a string in the training set's number table and again in the model.
// Counted as rows alone (40 bytes each) they took several times that.
TEST(TagNameMemoryPeak, TheEstimateCoversDistinctNames) {
#ifndef STEAM_REC_ALLOCATION_HOOKS
  GTEST_SKIP() << "needs a sanitizer's allocation hooks";
#else
  for (int length : {8, 16, 40, 100}) {
    double estimate = 0;
    auto build_and_train = [&](bool distinct) {
      TrainingSet data;
      add_plays(data);
      for (int t = 0; t < 20000; ++t)
        data.add_tag(1 + t % 40, distinct ? word(t, length) : std::string(static_cast<std::size_t>(length), 'x'), 1);
      data.finish(no_cancel);
      if (distinct) estimate = data.tag_name_bytes_added();
      const GameModel model = train(data, resolve_params("itemknn", {}, Defaults{}), no_cancel);
      EXPECT_EQ(model.tag_names.size(), distinct ? 20000u : 1u);
    };
    const std::int64_t extra = peak_bytes([&] { build_and_train(true); }) - peak_bytes([&] { build_and_train(false); });
    EXPECT_GT(extra, 0) << length;
    EXPECT_LT(static_cast<double>(extra), estimate) << length;
    // The estimate also counts the copies the glue makes to store the model.
    EXPECT_GT(static_cast<double>(extra), estimate / 4) << length << ": the estimate is loose";
  }
#endif
}
