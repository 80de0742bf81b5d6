// Per-game playtime statistics: what the engagement model compares a player's
// hours with.  Built from every owned (game, hours) row in one pass.
#pragma once

#include <cstdint>
#include <vector>

#include "core/cancel.hpp"
#include "core/engagement.hpp"

namespace steam_rec::engagement {

struct GameStats {
  std::int32_t appid = 0;
  std::int32_t owners = 0;   // rows
  std::int32_t players = 0;  // rows with hours > 0
  double log_median = 0;     // median of ln(1 + hours) among players
  double log_spread = 0;     // (q75 - q25) / 1.349 of ln(1 + hours) among players
  double median_hours = 0;   // the same quantiles in hours, for people
  double p75_hours = 0;
  double p90_hours = 0;
};

// The prior every game is shrunk toward: a typical game, i.e. the median over
// games of their log-median, and the median spread over games with at least
// kMinPlayersForSpread players (statistics of tiny games are noise).  Its
// median weight k_m = s_prior^2 / tau^2, where tau is the robust spread
// (1.4826 x median absolute deviation) of those games' log-medians.
inline constexpr std::int32_t kMinPlayersForSpread = 5;

class GameStatsBuilder {
 public:
  void reserve(std::size_t rows) { samples_.reserve(rows); }
  // Adds `count` rows of one game with the same hours.  Counts let a cluster
  // send one (game, hours, count) per distinct value instead of every row:
  // the statistics are those of the rows repeated, exactly.
  void add(std::int32_t appid, double hours, std::uint32_t count = 1);

  // Computes the statistics of every game seen, ordered by appid, and the
  // prior; releases the samples.
  void build(CancelCheck& cancel, std::vector<GameStats>* games, Prior* prior);

 private:
  struct Sample {
    std::int32_t appid;
    float log_hours;  // ln(1 + hours); negative for a game owned, never played
    std::uint32_t count;
  };
  std::vector<Sample> samples_;
};

// The type-7 (linear interpolation) quantile of sorted values; q in [0, 1].
double quantile_of_sorted(const float* sorted, std::size_t count, double q) noexcept;

// The same quantile of sorted values each repeated counts[i] times (total
// repeats in all); the same result as quantile_of_sorted of the values written out.
double quantile_of_counted(const float* sorted, const std::uint64_t* counts, std::size_t size, std::uint64_t total,
                           double q) noexcept;

}  // namespace steam_rec::engagement
