// collect_best_row_products() keeps, of a row's products, exactly what
// collect_row_products() followed by keep_best() keeps, in the same order:
// on rows read back from the list of touched games and by one pass over
// every game, with many tied sums (ties go to the lower index), for counts
// below, near and above the number of products, and it leaves the scratch
// all zero for the next row.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "core/best_kept.hpp"
#include "core/row_parts.hpp"

namespace steam_rec::rec {
namespace {

constexpr std::int32_t kGames = 600;
constexpr std::int32_t kTags = 40;

// Games x tags whose weights take four values only, so many games' sums tie
// exactly; tag t is on a share of the games that falls with t, so rows with
// common tags meet most games and rows with only rare ones meet a few.
SparseRows tags_by_game(std::mt19937& random) {
  SparseRows rows;
  for (std::int32_t g = 0; g < kGames; ++g) {
    for (std::int32_t t = 0; t < kTags; ++t) {
      const std::uint32_t per_mille = t < 3 ? 600 : t < 10 ? 100 : 15;
      if (random() % 1000 >= per_mille) continue;
      rows.index.push_back(t);
      rows.value.push_back(0.25f * static_cast<float>(1 + random() % 4));
    }
    rows.offset.push_back(rows.nonzeros());
  }
  return rows;
}

bool all_zero(const std::vector<float>& dot) {
  return std::all_of(dot.begin(), dot.end(), [](float d) { return d == 0; });
}

TEST(BestRowProducts, SameAsEveryProductThenKeepBest) {
  std::mt19937 random(5);
  const SparseRows rows = tags_by_game(random);
  const SparseRows by_tag = transpose(rows, kTags);
  RowScratch every, best;
  every.dot.assign(kGames, 0.0f);
  best.dot.assign(kGames, 0.0f);
  std::int64_t ties = 0, long_rows = 0;
  for (const std::size_t count : {0, 1, 7, 50, 300, 5000}) {
    for (std::int32_t g = 0; g < kGames; ++g) {
      const std::int32_t skip = g % 3 == 0 ? -1 : g;
      every.candidates.clear();
      collect_row_products(rows, by_tag, g, skip, every);
      if (every.candidates.size() * 4 >= static_cast<std::size_t>(kGames)) ++long_rows;
      keep_best(every.candidates, count);
      best.candidates.assign(3, Scored{1, 1});  // emptied first
      collect_best_row_products(rows, by_tag, g, skip, count, best);
      ASSERT_EQ(best.candidates.size(), every.candidates.size()) << "row " << g << ", count " << count;
      for (std::size_t i = 0; i < best.candidates.size(); ++i) {
        EXPECT_EQ(best.candidates[i].index, every.candidates[i].index) << "row " << g << ", count " << count;
        EXPECT_EQ(best.candidates[i].score, every.candidates[i].score) << "row " << g << ", count " << count;
        if (i > 0 && best.candidates[i].score == best.candidates[i - 1].score) ++ties;
      }
      EXPECT_TRUE(all_zero(best.dot)) << "row " << g;
      EXPECT_TRUE(best.touched.empty()) << "row " << g;
    }
  }
  // The data tests what it means to: ties among the kept, and long rows.
  EXPECT_GT(ties, 1000);
  EXPECT_GT(long_rows, 100);
}

// BestKept keeps what keep_best() keeps of candidates offered in any order,
// many of them tied, the lower index winning a tie even when it comes later.
TEST(BestKept, AnyOrderSameAsKeepBest) {
  std::mt19937 random(9);
  for (const std::size_t count : {0, 1, 3, 50, 400}) {
    for (int round = 0; round < 20; ++round) {
      std::vector<Scored> offered;
      for (std::int32_t i = 0; i < 3000; ++i)
        if (random() % 4 != 0) offered.push_back(Scored{0.125f * static_cast<float>(random() % 40), i});
      std::shuffle(offered.begin(), offered.end(), random);
      std::vector<Scored> kept(2, Scored{1, 1});  // emptied first
      BestKept best(kept, count);
      for (const Scored& c : offered) best.offer(c.score, c.index);
      best.finish();
      keep_best(offered, count);
      ASSERT_EQ(kept.size(), offered.size()) << "count " << count;
      for (std::size_t i = 0; i < kept.size(); ++i) {
        EXPECT_EQ(kept[i].index, offered[i].index) << "count " << count << ", place " << i;
        EXPECT_EQ(kept[i].score, offered[i].score) << "count " << count << ", place " << i;
      }
    }
  }
}

}  // namespace
}  // namespace steam_rec::rec
