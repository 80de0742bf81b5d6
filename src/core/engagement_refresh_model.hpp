// Everything one engagement refresh needs in memory: the statistics being
// built, each game's distribution, the prior, and each player's total hours.
// The glue owns one per call and feeds it rows in batches of plain data.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/engagement.hpp"
#include "core/game_stats.hpp"

namespace steam_rec::engagement {

// One user_games row as the model reads it.
struct OwnedGame {
  std::int64_t player;
  std::int32_t appid;
  double hours;
  double recent_hours;
  double days_since_last_played;  // < 0: unknown
};

// How many rows of one game have the same hours: a cluster's partial state.
struct PlaytimeCount {
  std::int32_t appid;
  double hours;
  std::uint32_t rows;
};

class EngagementRefresh {
 public:
  // Full refresh, first pass: every row, to build statistics and totals.
  void observe(const OwnedGame* rows, std::size_t count);
  // Full refresh on a cluster: the rows as counts per (game, hours), for the
  // statistics only (each worker rescores with its own players' totals).
  void observe_counts(const PlaytimeCount* counts, std::size_t count);
  // Fits per-game statistics and the prior from what was observed.
  void fit(CancelCheck& cancel);
  const std::vector<GameStats>& game_stats() const { return game_stats_; }

  // Refresh of stored statistics: set them directly instead of fitting.
  void set_prior(const Prior& prior) { prior_ = prior; }
  void set_game(std::int32_t appid, const LogHoursDistribution& game);
  void add_player_hours(std::int64_t player, double hours);

  const Prior& prior() const { return prior_; }
  Engagement score(const OwnedGame& row) const noexcept;

 private:
  GameStatsBuilder builder_;
  std::vector<GameStats> game_stats_;
  std::unordered_map<std::int32_t, LogHoursDistribution> games_;
  std::unordered_map<std::int64_t, double> player_hours_;
  Prior prior_;
};

}  // namespace steam_rec::engagement
