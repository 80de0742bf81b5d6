// Per-game statistics from counts per (game, hours), the partial state a
// cluster's workers send, equal those from the rows written out, to the bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "core/engagement_refresh_model.hpp"
#include "core/game_stats.hpp"

namespace steam_rec::engagement {
namespace {

// Rows of a few games with hours at a tenth of an hour, many never played, so
// that values repeat within a game as they do in Steam's recorded playtime.
std::vector<OwnedGame> rows_with_repeats(unsigned seed) {
  std::mt19937 random(seed);
  std::lognormal_distribution<double> hours(1.5, 1.5);
  std::uniform_int_distribution<int> game(1, 40);
  std::bernoulli_distribution unplayed(0.35);
  std::vector<OwnedGame> rows;
  for (int i = 0; i < 20000; ++i) {
    const double h = unplayed(random) ? 0.0 : std::max(0.1, std::round(hours(random) * 10) / 10);
    rows.push_back(OwnedGame{i / 7, game(random), h, 0, -1});
  }
  return rows;
}

// The same rows as counts per (game, hours), in an order unrelated to the rows'.
std::vector<PlaytimeCount> counts_of(const std::vector<OwnedGame>& rows) {
  std::map<std::pair<std::int32_t, double>, std::uint32_t> counts;
  for (const OwnedGame& row : rows) ++counts[{row.appid, row.hours}];
  std::vector<PlaytimeCount> result;
  for (const auto& [key, n] : counts) result.push_back(PlaytimeCount{key.first, key.second, n});
  std::shuffle(result.begin(), result.end(), std::mt19937(7));
  return result;
}

TEST(GameStatsFromCounts, EqualTheStatisticsOfTheRowsToTheBit) {
  const std::vector<OwnedGame> rows = rows_with_repeats(42);
  const std::vector<PlaytimeCount> counts = counts_of(rows);
  ASSERT_LT(counts.size() * 2, rows.size());  // the fixture does repeat values

  EngagementRefresh from_rows, from_counts;
  from_rows.observe(rows.data(), rows.size());
  from_counts.observe_counts(counts.data(), counts.size());
  CancelCheck never;
  from_rows.fit(never);
  from_counts.fit(never);

  const std::vector<GameStats>& a = from_rows.game_stats();
  const std::vector<GameStats>& b = from_counts.game_stats();
  ASSERT_EQ(a.size(), 40u);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].appid, b[i].appid);
    EXPECT_EQ(a[i].owners, b[i].owners);
    EXPECT_EQ(a[i].players, b[i].players);
    EXPECT_EQ(a[i].log_median, b[i].log_median) << "game " << a[i].appid;
    EXPECT_EQ(a[i].log_spread, b[i].log_spread) << "game " << a[i].appid;
    EXPECT_EQ(a[i].median_hours, b[i].median_hours);
    EXPECT_EQ(a[i].p75_hours, b[i].p75_hours);
    EXPECT_EQ(a[i].p90_hours, b[i].p90_hours);
  }
  EXPECT_EQ(from_rows.prior().log_median, from_counts.prior().log_median);
  EXPECT_EQ(from_rows.prior().log_spread, from_counts.prior().log_spread);
  EXPECT_EQ(from_rows.prior().median_weight, from_counts.prior().median_weight);
}

TEST(GameStatsFromCounts, CountedQuantileIsTheQuantileOfTheValuesWrittenOut) {
  const std::vector<float> values = {0.5f, 1.25f, 2.0f, 3.5f};
  const std::vector<std::uint64_t> counts = {3, 1, 4, 2};
  std::vector<float> written_out;
  for (std::size_t i = 0; i < values.size(); ++i) written_out.insert(written_out.end(), counts[i], values[i]);
  for (double q : {0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0})
    EXPECT_EQ(quantile_of_counted(values.data(), counts.data(), values.size(), written_out.size(), q),
              quantile_of_sorted(written_out.data(), written_out.size(), q))
        << "q = " << q;
  EXPECT_EQ(quantile_of_counted(values.data(), counts.data(), 0, 0, 0.5), 0.0);
}

TEST(GameStatsFromCounts, OneGameOwnedNeverPlayedHasOwnersAndNoPlayers) {
  GameStatsBuilder builder;
  builder.add(5, 0.0, 1000);
  builder.add(5, 2.5, 0);  // a count of zero adds nothing
  CancelCheck never;
  std::vector<GameStats> games;
  Prior prior;
  builder.build(never, &games, &prior);
  ASSERT_EQ(games.size(), 1u);
  EXPECT_EQ(games[0].owners, 1000);
  EXPECT_EQ(games[0].players, 0);
  EXPECT_EQ(games[0].log_median, 0.0);
}

}  // namespace
}  // namespace steam_rec::engagement
