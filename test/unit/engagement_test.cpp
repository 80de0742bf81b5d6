// Properties and exact values of the engagement model (core/engagement.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/engagement.hpp"
#include "core/engagement_refresh_model.hpp"
#include "core/game_stats.hpp"

namespace steam_rec::engagement {
namespace {

const Prior kPrior{std::log1p(4.5), 1.5, 1.0};

LogHoursDistribution game_with(double players, double median_hours, double spread) {
  return LogHoursDistribution{players, std::log1p(median_hours), spread};
}

Engagement score_hours(double hours, const LogHoursDistribution& game, double recent = 0) {
  Play play;
  play.hours = hours;
  play.recent_hours = recent;
  return score(play, game, kPrior);
}

TEST(EngagementScore, NeverPlayedIsExactlyZeroAndUnplayed) {
  Engagement e = score_hours(0, game_with(100, 10, 1));
  EXPECT_EQ(e.score, 0.0f);
  EXPECT_EQ(e.category, Category::unplayed);
  // Recent hours without lifetime hours are inconsistent data: still unplayed.
  EXPECT_EQ(score_hours(0, game_with(100, 10, 1), 5).score, 0.0f);
}

TEST(EngagementScore, StaysWithinBoundsForAnyInput) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double odd[] = {0, 1e-300, 0.01, 1, 1e3, 1e6, 1e300, inf, -inf, nan, -5};
  for (double hours : odd)
    for (double recent : odd)
      for (double total : odd)
        for (double days : {-1.0, 0.0, 3.0, 1e9, nan}) {
          Play play{hours, recent, total, days};
          for (const LogHoursDistribution& game :
               {game_with(0, 1, 1), game_with(1e6, 1e-3, 1e-9), LogHoursDistribution{nan, nan, nan},
                LogHoursDistribution{-3, inf, -inf}}) {
            for (const Prior& prior : {kPrior, Prior{nan, -inf, nan}, Prior{inf, 0, 1e300}}) {
              Engagement e = score(play, game, prior);
              ASSERT_GE(e.score, 0.0f);
              ASSERT_LE(e.score, 1.0f);
              ASSERT_GE(e.position, 0.0);
              ASSERT_LE(e.position, 1.0);
            }
            Engagement e = score(play, game, kPrior);
            ASSERT_GE(e.score, 0.0f);
            ASSERT_LE(e.score, 1.0f);
            ASSERT_GE(e.position, 0.0);
            ASSERT_LE(e.position, 1.0);
          }
        }
}

TEST(EngagementScore, NeverDecreasesAsHoursGrow) {
  for (const LogHoursDistribution& game : {game_with(1, 2, 0), game_with(5000, 100, 2), game_with(30, 0.5, 0.3)}) {
    float previous = 0;
    Category previous_category = Category::unplayed;
    for (double hours = 0; hours < 20000; hours = hours * 1.07 + 0.01) {
      Play play{hours, 1.0, 1000.0 + hours, 10};
      Engagement e = score(play, game, kPrior);
      ASSERT_GE(e.score, previous) << "hours " << hours;
      ASSERT_GE(static_cast<int>(e.category), static_cast<int>(previous_category));
      previous = e.score;
      previous_category = e.category;
    }
  }
}

TEST(EngagementScore, SameHoursScoreHigherInAGameWhosePlayersPlayLess) {
  LogHoursDistribution puzzle = game_with(500, 3, 0.6);   // a 3-hour puzzle game
  LogHoursDistribution moba = game_with(5000, 300, 1.2);  // Dota 2
  EXPECT_GT(score_hours(10, puzzle).score, 0.9f);
  EXPECT_LT(score_hours(10, moba).score, 0.1f);
  // Top of the puzzle game, but under the 20-hour floor of 'dedicated'.
  EXPECT_EQ(score_hours(10, puzzle).category, Category::regular);
  EXPECT_EQ(score_hours(10, moba).category, Category::tried);
}

TEST(EngagementScore, FewPlayersBorrowStrengthFromThePrior) {
  // One player with 1000 hours: on its own the game says "median 1000 h", so
  // 1000 h would be the 50th percentile; shrunk toward the prior it is far above.
  LogHoursDistribution single = game_with(1, 1000, 0);
  LogHoursDistribution crowd = game_with(10000, 1000, 0.5);
  EXPECT_GT(score_hours(1000, single).position, 0.9);
  EXPECT_NEAR(score_hours(1000, crowd).position, 0.5, 0.01);
  // And a game with no players at all behaves like the prior.
  EXPECT_NEAR(score_hours(4.5, game_with(0, 9999, 9)).position, 0.5, 1e-9);
}

TEST(EngagementScore, ExtremeHoursSaturateInsteadOfDominating) {
  LogHoursDistribution game = game_with(1000, 5, 1);
  EXPECT_LE(score_hours(11754, game).score, 1.0f);
  EXPECT_NEAR(score_hours(1e9, game).score, score_hours(1e5, game).score, 1e-6);
}

TEST(EngagementScore, RecentPlayRaisesTheScoreBoundedly) {
  LogHoursDistribution game = game_with(1000, 20, 1);
  double base = score_hours(5, game).score;
  double some = score_hours(5, game, 2).score;
  double lots = score_hours(5, game, 336).score;
  EXPECT_GT(some, base);
  EXPECT_GT(lots, some);
  EXPECT_LE(lots, base + (1 - base) * kRecencyWeight + 1e-6);
  // Last played long ago adds nothing; yesterday adds about half the boost.
  Play old{5, 0, 0, 3650};
  Play yesterday{5, 0, 0, 1};
  EXPECT_NEAR(score(old, game, kPrior).score, base, 1e-6);
  EXPECT_GT(score(yesterday, game, kPrior).score, base);
}

TEST(EngagementScore, ABigShareOfThePlayersTimeRaisesTheScore) {
  LogHoursDistribution game = game_with(1000, 50, 1);
  Play minor{5, 0, 5000, -1};
  Play everything{5, 0, 5, -1};
  EXPECT_GT(score(everything, game, kPrior).score, score(minor, game, kPrior).score);
  EXPECT_GE(score(everything, game, kPrior).score, kShareWeight - 1e-6);
}

TEST(EngagementScore, ExactValueOnAHandComputedCase) {
  // n = 10 players, median 9 h, spread 1; prior median 4.5 h, spread 1.5,
  // k_m = 1, k_s = 10: m = (10 ln 10 + ln 5.5) / 11, s = (10 + 15) / 20 = 1.25,
  // x = ln 10, z = (ln 10 - m) / 1.25.
  LogHoursDistribution game{10, std::log(10.0), 1.0};
  double m = (10 * std::log(10.0) + std::log(5.5)) / 11;
  double z = (std::log(10.0) - m) / 1.25;
  double p = 0.5 * std::erfc(-z / std::sqrt(2.0));
  Play play{9, 0, 0, -1};
  Engagement e = score(play, game, kPrior);
  EXPECT_NEAR(e.position, p, 1e-12);
  EXPECT_FLOAT_EQ(e.score, static_cast<float>(p));
  EXPECT_NEAR(p, 0.5174, 1e-4);
  EXPECT_EQ(e.category, Category::regular);  // p >= 0.5 and 9 h >= 5 h, but under 20 h
}

TEST(EngagementCategory, AbsoluteFloorsHoldWhateverThePosition) {
  LogHoursDistribution tiny = game_with(1000, 0.1, 0.3);         // players usually play 6 minutes
  EXPECT_EQ(score_hours(0.5, tiny).category, Category::tried);   // top of the game, but < 1 h
  EXPECT_EQ(score_hours(3, tiny).category, Category::casual);    // < 5 h
  EXPECT_EQ(score_hours(10, tiny).category, Category::regular);  // < 20 h
  EXPECT_EQ(score_hours(25, tiny).category, Category::dedicated);
  EXPECT_STREQ(category_name(Category::dedicated), "dedicated");
}

TEST(GameStats, QuantilesAndCountsOnASmallFixture) {
  GameStatsBuilder builder;
  // Game 7: two owners who never played, players with 1, 3, 7, 15 hours.
  for (double hours : {0.0, 1.0, 0.0, 15.0, 3.0, 7.0}) builder.add(7, hours);
  builder.add(9, 2.0);
  CancelCheck never;
  std::vector<GameStats> games;
  Prior prior;
  builder.build(never, &games, &prior);
  ASSERT_EQ(games.size(), 2u);
  const GameStats& g = games[0];
  EXPECT_EQ(g.appid, 7);
  EXPECT_EQ(g.owners, 6);
  EXPECT_EQ(g.players, 4);
  // ln(1+h) = ln 2, ln 4, ln 8, ln 16; the median interpolates ln 4 and ln 8.
  EXPECT_NEAR(g.log_median, (std::log(4.0) + std::log(8.0)) / 2, 1e-6);
  EXPECT_NEAR(g.median_hours, std::sqrt(32.0) - 1, 1e-5);
  // q25 = ln 2 + 0.75 (ln 4 - ln 2), q75 = ln 8 + 0.25 (ln 16 - ln 8).
  double q25 = std::log(2.0) + 0.75 * std::log(2.0);
  double q75 = std::log(8.0) + 0.25 * std::log(2.0);
  EXPECT_NEAR(g.log_spread, (q75 - q25) / 1.3489795003921634, 1e-6);
  EXPECT_EQ(games[1].players, 1);
  // Prior: median of the two games' log-medians; no game has 5 players, so
  // the spread falls back to the default.
  EXPECT_NEAR(prior.log_median, (g.log_median + std::log(3.0)) / 2, 1e-6);
  EXPECT_EQ(prior.log_spread, kDefaultPriorLogSpread);
  EXPECT_EQ(prior.median_weight, kDefaultMedianWeight);
}

TEST(GameStats, MedianWeightIsSpreadOverHowMuchGameMediansDiffer) {
  // Five games of 5 players each, with medians apart by about the spread
  // within a game.
  GameStatsBuilder builder;
  const double medians[] = {2, 3, 5, 8, 13};
  for (int game = 0; game < 5; ++game)
    for (double factor : {0.5, 0.8, 1.0, 1.25, 2.0}) builder.add(game + 1, medians[game] * factor);
  CancelCheck never;
  std::vector<GameStats> games;
  Prior prior;
  builder.build(never, &games, &prior);
  std::vector<double> log_medians;
  for (const GameStats& g : games) log_medians.push_back(g.log_median);
  double center = log_medians[2];
  std::vector<double> deviations;
  for (double m : log_medians) deviations.push_back(std::fabs(m - center));
  std::sort(deviations.begin(), deviations.end());
  double tau = 1.482602218505602 * deviations[2];
  double expected = prior.log_spread * prior.log_spread / (tau * tau);
  ASSERT_GT(expected, kMinMedianWeight);
  ASSERT_LT(expected, kMaxMedianWeight);
  EXPECT_NEAR(prior.median_weight, expected, 1e-9);

  // Medians far apart relative to the spread: the prior counts for little,
  // but never for less than kMinMedianWeight.
  GameStatsBuilder far_apart;
  for (int game = 0; game < 5; ++game)
    for (double factor : {0.9, 0.95, 1.0, 1.05, 1.1}) far_apart.add(game + 1, std::pow(10.0, game) * factor);
  far_apart.build(never, &games, &prior);
  EXPECT_EQ(prior.median_weight, kMinMedianWeight);
}

TEST(EngagementRefresh, ScoresUnknownGamesFromThePriorAndUsesPlayerTotals) {
  EngagementRefresh refresh;
  std::vector<OwnedGame> rows = {{1, 10, 100, 0, -1}, {1, 20, 0, 0, -1}, {2, 10, 1, 0, -1}, {2, 30, 50, 0, -1}};
  refresh.observe(rows.data(), rows.size());
  CancelCheck never;
  refresh.fit(never);
  EXPECT_EQ(refresh.game_stats().size(), 3u);
  EXPECT_EQ(refresh.score(rows[1]).score, 0.0f);
  EXPECT_GT(refresh.score(rows[0]).score, refresh.score(rows[2]).score);
  OwnedGame unknown{3, 999, 4, 0, -1};
  EXPECT_GT(refresh.score(unknown).score, 0.0f);
}

}  // namespace
}  // namespace steam_rec::engagement
