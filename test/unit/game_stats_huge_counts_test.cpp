// Statistics from counted hours hold when the counts add up past 32 bits:
// each (game, hours) count is at most 2^31 - 1 rows, but distinct hours that
// round to the same float ln(1 + hours) are merged into one value whose
// count is their sum, and a game's owners and players are their total.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/game_stats.hpp"

namespace steam_rec::engagement {
namespace {

constexpr std::uint32_t kMaxCount = std::numeric_limits<std::int32_t>::max();

// Three distinct hours just above 1 (one float ln(1 + hours)) with the
// largest count each, and one row at 1000 hours: the median is ln 2.
TEST(GameStatsHugeCounts, MergedCountsPastThirtyTwoBitsKeepTheMedian) {
  const std::vector<double> hours = {1.0, 1.0 + 1e-9, 1.0 + 2e-9};
  for (double h : hours) ASSERT_EQ(static_cast<float>(std::log1p(h)), static_cast<float>(std::log1p(1.0)));
  GameStatsBuilder builder;
  for (double h : hours) builder.add(7, h, kMaxCount);
  builder.add(7, 1000.0, 1);
  CancelCheck never;
  std::vector<GameStats> games;
  Prior prior;
  builder.build(never, &games, &prior);
  ASSERT_EQ(games.size(), 1u);
  EXPECT_EQ(games[0].log_median, static_cast<float>(std::log1p(1.0)));
  EXPECT_EQ(games[0].log_spread, 0.0);
  // 3 * (2^31 - 1) + 1 rows: kept as the largest int32, never wrapped.
  EXPECT_EQ(games[0].owners, std::numeric_limits<std::int32_t>::max());
  EXPECT_EQ(games[0].players, std::numeric_limits<std::int32_t>::max());
}

TEST(GameStatsHugeCounts, OneHugeCountAmongSmallOnes) {
  GameStatsBuilder builder;
  builder.add(3, 0.0, kMaxCount);  // owned, never played
  builder.add(3, 4.0, 2);
  builder.add(3, 9.0, 1);
  CancelCheck never;
  std::vector<GameStats> games;
  Prior prior;
  builder.build(never, &games, &prior);
  ASSERT_EQ(games.size(), 1u);
  EXPECT_EQ(games[0].owners, std::numeric_limits<std::int32_t>::max());
  EXPECT_EQ(games[0].players, 3);
  EXPECT_EQ(games[0].log_median, static_cast<float>(std::log1p(4.0)));
}

}  // namespace
}  // namespace steam_rec::engagement
