// The engagement model: how much a player really plays a game, from 0 to 1.
//
// For a played game (hours > 0), with x = ln(1 + hours):
//
//   position  p = Phi((x - m) / s)          where, shrunk toward the prior
//             m = (n * m_game + k_m * m_prior) / (n + k_m)
//             s = (n * s_game + k_s * s_prior) / (n + k_s),  s >= kMinLogSpread
//   base      b = 1 - (1 - p) * (1 - kShareWeight * hours / player_total_hours)
//   recency   r = max(1 - exp(-recent_hours / kRecentHoursScale),
//                     kLastPlayedWeight * exp(-days_since_last_played / kLastPlayedDays))
//   score       = b + (1 - b) * kRecencyWeight * r
//
// m_game and s_game are the median and the spread (interquartile range / 1.349,
// the normal-consistent scale) of x among the game's n players.  The prior is
// the typical game.  Its weight for the median, k_m = s_prior^2 / tau^2 (tau:
// how much game medians differ), is the empirical-Bayes weight of a normal
// mean, measured by each full refresh; a spread needs many players to be
// known, so k_s is a fixed kSpreadPriorWeight.  A game never played scores
// exactly 0.  The README explains each choice.
#pragma once

#include <cstdint>

namespace steam_rec::engagement {

inline constexpr double kSpreadPriorWeight = 10.0;   // k_s: for the spread the prior counts as 10 players
inline constexpr double kDefaultMedianWeight = 1.0;  // k_m until a refresh measures it
inline constexpr double kMinMedianWeight = 0.1;      // bounds on the measured k_m
inline constexpr double kMaxMedianWeight = 20.0;
inline constexpr double kMinLogSpread = 0.1;      // keeps z finite for games with one player
inline constexpr double kShareWeight = 0.3;       // a game that is all a player plays scores >= 0.3
inline constexpr double kRecencyWeight = 0.25;    // recent play closes at most 25% of the gap to 1
inline constexpr double kRecentHoursScale = 4.0;  // 4 h in two weeks gives 63% of the recency boost
inline constexpr double kLastPlayedWeight = 0.5;  // playing at all lately counts half of heavy recent play
inline constexpr double kLastPlayedDays = 30.0;   // ... and fades over a month
inline constexpr double kMinPlayedScore = 1e-4;   // any play scores above "never played"

// A game's hours as they count toward its player's total: at most 1e290, so
// a total of up to 2^31 games stays finite wherever it is summed (SQL's float
// sum refuses an overflow; the schema allows any finite hours).
inline constexpr double kLargestCountedHours = 1e290;
inline double counted_hours(double hours) { return hours < kLargestCountedHours ? hours : kLargestCountedHours; }

// Used until the first full refresh has measured the real distribution:
// steam-200k's median of 4.5 hours among players, and its spread.
inline constexpr double kDefaultPriorLogMedian = 1.7047480922384253;  // ln(1 + 4.5)
inline constexpr double kDefaultPriorLogSpread = 1.5;

enum class Category : std::uint8_t { unplayed, tried, casual, regular, dedicated };

// The SQL name of a category: "unplayed", "tried", ...
const char* category_name(Category category) noexcept;

// Where a category starts: the lowest game-relative position, and the fewest
// hours, a row needs to reach it (both must hold).
struct CategoryFloor {
  Category category;
  double min_position;
  double min_hours;
};
inline constexpr CategoryFloor kCategoryFloors[] = {
    {Category::dedicated, 0.80, 20.0},
    {Category::regular, 0.50, 5.0},
    {Category::casual, 0.25, 1.0},
};

// The distribution of ln(1 + hours) among one game's players.
struct LogHoursDistribution {
  double players = 0;  // n
  double log_median = kDefaultPriorLogMedian;
  double log_spread = kDefaultPriorLogSpread;
};

// The typical game, and how many players' worth its median counts for.
struct Prior {
  double log_median = kDefaultPriorLogMedian;
  double log_spread = kDefaultPriorLogSpread;
  double median_weight = kDefaultMedianWeight;  // k_m
};

struct Play {
  double hours = 0;                    // lifetime, finite, >= 0
  double recent_hours = 0;             // last two weeks, finite, >= 0
  double player_total_hours = 0;       // all the player's games; <= 0 or NaN: unknown
  double days_since_last_played = -1;  // < 0 or NaN: unknown
};

struct Engagement {
  float score = 0;      // [0, 1]
  double position = 0;  // game-relative position p in [0, 1]; 0 when unplayed
  Category category = Category::unplayed;
};

// Scores one play against its game's distribution and the prior.  Pure and
// total: any input (even NaN) gives a result within bounds.
Engagement score(const Play& play, const LogHoursDistribution& game, const Prior& prior) noexcept;

}  // namespace steam_rec::engagement
