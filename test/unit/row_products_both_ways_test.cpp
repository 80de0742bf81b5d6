// collect_row_products() reads a row's dot products back either from the
// list of games it touched or by one pass over every game; both ways give
// each non-zero product exactly as add_row_products() sums it, leave out the
// skipped game and leave the scratch all zero for the next row.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "core/row_parts.hpp"

namespace steam_rec::rec {
namespace {

constexpr std::int32_t kGames = 400;
constexpr std::int32_t kTags = 60;

// Games x tags with positive weights: tag t is on a share of the games that
// falls with t, so rows with common tags meet most games and rows with only
// rare ones meet a few.
SparseRows tags_by_game(std::mt19937& random) {
  SparseRows rows;
  std::uniform_real_distribution<float> weight(0.05f, 1.0f);
  for (std::int32_t g = 0; g < kGames; ++g) {
    for (std::int32_t t = 0; t < kTags; ++t) {
      const std::uint32_t per_mille = t < 3 ? 500 : t < 10 ? 100 : 15;
      if (random() % 1000 >= per_mille) continue;
      rows.index.push_back(t);
      rows.value.push_back(weight(random));
    }
    rows.offset.push_back(rows.nonzeros());
  }
  return rows;
}

// Every non-zero product of row g with the games but `skip`, summed in the
// order of g's entries, by index.
std::map<std::int32_t, float> reference(const SparseRows& rows, const SparseRows& by_tag, std::int32_t g,
                                        std::int32_t skip) {
  std::map<std::int32_t, float> sums;
  for (std::int64_t p = rows.offset[g]; p < rows.offset[g + 1]; ++p) {
    const std::int32_t t = rows.index[p];
    for (std::int64_t q = by_tag.offset[t]; q < by_tag.offset[t + 1]; ++q)
      sums[by_tag.index[q]] += rows.value[p] * by_tag.value[q];
  }
  sums.erase(skip);
  for (auto it = sums.begin(); it != sums.end();) it = it->second == 0 ? sums.erase(it) : std::next(it);
  return sums;
}

TEST(RowProductsBothWays, SameSumsAsTheTouchedList) {
  std::mt19937 random(11);
  const SparseRows rows = tags_by_game(random);
  const SparseRows by_tag = transpose(rows, kTags);
  RowScratch scratch;
  scratch.dot.assign(kGames, 0.0f);
  std::int64_t dense_rows = 0, sparse_rows = 0;
  for (std::int32_t g = 0; g < kGames; ++g) {
    const std::int32_t skip = g % 3 == 0 ? -1 : g;
    scratch.candidates.clear();
    collect_row_products(rows, by_tag, g, skip, scratch);
    std::map<std::int32_t, float> got;
    for (const Scored& c : scratch.candidates) EXPECT_TRUE(got.emplace(c.index, c.score).second) << "row " << g;
    EXPECT_EQ(got, reference(rows, by_tag, g, skip)) << "row " << g;  // exact float equality
    EXPECT_TRUE(std::all_of(scratch.dot.begin(), scratch.dot.end(), [](float d) { return d == 0; })) << "row " << g;
    EXPECT_TRUE(scratch.touched.empty()) << "row " << g;
    (got.size() * 4 >= static_cast<std::size_t>(kGames) ? dense_rows : sparse_rows) += 1;
  }
  // Both ways were taken.
  EXPECT_GT(dense_rows, 0);
  EXPECT_GT(sparse_rows, 0);
}

}  // namespace
}  // namespace steam_rec::rec
