// keep_best() and select_best() first shrink a long row to a part that
// holds its best by a histogram of the scores; what they keep (and
// keep_best()'s order) must be what sorting every candidate best first and
// cutting at k gives: ties broken by index, -0 equal to 0, negative and tiny
// scores, k of 0, of 1, of the whole row and beyond it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "core/top_k.hpp"

using namespace steam_rec::rec;

namespace {

// The k best by a sort of every candidate.
std::vector<Scored> best_by_full_sort(std::vector<Scored> candidates, std::size_t k) {
  std::sort(candidates.begin(), candidates.end(), [](const Scored& a, const Scored& b) { return better(a, b); });
  if (candidates.size() > k) candidates.resize(k);
  return candidates;
}

// Scores of one of several shapes: spread, many ties, zeros of both signs,
// and magnitudes over many powers of two of both signs.
float score(std::mt19937& random, int shape) {
  switch (shape) {
    case 0:
      return std::uniform_real_distribution<float>(0, 1)(random);
    case 1:
      return static_cast<float>(random() % 7) - 3;
    case 2:
      return random() % 3 == 0 ? -0.0f : 1e-30f * static_cast<float>(random() % 5);
    default:
      return std::ldexp(1.0f, static_cast<int>(random() % 200) - 100) * (random() % 2 != 0 ? 1.0f : -1.0f);
  }
}

void expect_same(const std::vector<Scored>& kept, const std::vector<Scored>& expected) {
  ASSERT_EQ(kept.size(), expected.size());
  for (std::size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(kept[i].index, expected[i].index) << "at " << i;
    EXPECT_EQ(std::memcmp(&kept[i].score, &expected[i].score, sizeof(float)), 0) << "at " << i;
  }
}

}  // namespace

TEST(KeepBestSameAsFullSort, RowsOfEveryShapeAndLength) {
  std::mt19937 random(19);
  for (int round = 0; round < 3000; ++round) {
    const int shape = round % 4;
    const std::size_t length = random() % 3000;
    const std::size_t k = round % 50 == 0 ? length + random() % 3 : random() % 300;
    std::vector<Scored> candidates;
    for (std::size_t i = 0; i < length; ++i)
      candidates.push_back(Scored{score(random, shape), static_cast<std::int32_t>((i * 7919) % 100003)});
    const std::vector<Scored> expected = best_by_full_sort(candidates, k);
    std::vector<Scored> selected = candidates;
    select_best(selected, k);
    expect_same(best_by_full_sort(selected, k), expected);
    keep_best(candidates, k);
    expect_same(candidates, expected);
  }
}

TEST(KeepBestSameAsFullSort, OneScoreEverywhere) {
  std::vector<Scored> candidates;
  for (std::int32_t i = 5000; i > 0; --i) candidates.push_back(Scored{0.25f, i});
  const std::vector<Scored> expected = best_by_full_sort(candidates, 100);
  keep_best(candidates, 100);
  expect_same(candidates, expected);
  EXPECT_EQ(candidates.front().index, 1);
}

TEST(KeepBestSameAsFullSort, BestAtTheEdgesOfTheRange) {
  // The k-th best in the histogram's first or last range.
  std::vector<Scored> candidates;
  for (std::int32_t i = 0; i < 2000; ++i) candidates.push_back(Scored{i < 1990 ? 1.0f : 1e6f, i});
  std::vector<Scored> expected = best_by_full_sort(candidates, 10);
  std::vector<Scored> kept = candidates;
  keep_best(kept, 10);
  expect_same(kept, expected);
  expected = best_by_full_sort(candidates, 1995);
  kept = candidates;
  keep_best(kept, 1995);
  expect_same(kept, expected);
  expected = best_by_full_sort(candidates, 1);
  keep_best(candidates, 1);
  expect_same(candidates, expected);
}

TEST(KeepBestSameAsFullSort, ZerosOfBothSignsAreEqual) {
  // Only -0 and 0: better() ties them and the lower index wins, so a
  // histogram that put 0 above -0 would keep the wrong half.
  std::vector<Scored> candidates;
  for (std::int32_t i = 0; i < 1000; ++i) candidates.push_back(Scored{i % 2 == 0 ? -0.0f : 0.0f, i});
  const std::vector<Scored> expected = best_by_full_sort(candidates, 100);
  keep_best(candidates, 100);
  expect_same(candidates, expected);
}
