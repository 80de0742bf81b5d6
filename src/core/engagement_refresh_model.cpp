#include "core/engagement_refresh_model.hpp"

#include <cmath>

namespace steam_rec::engagement {

void EngagementRefresh::observe(const OwnedGame* rows, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    builder_.add(rows[i].appid, rows[i].hours);
    add_player_hours(rows[i].player, rows[i].hours);
  }
}

void EngagementRefresh::observe_counts(const PlaytimeCount* counts, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) builder_.add(counts[i].appid, counts[i].hours, counts[i].rows);
}

void EngagementRefresh::fit(CancelCheck& cancel) {
  builder_.build(cancel, &game_stats_, &prior_);
  games_.clear();
  games_.reserve(game_stats_.size());
  for (const GameStats& stats : game_stats_)
    games_[stats.appid] = LogHoursDistribution{static_cast<double>(stats.players), stats.log_median, stats.log_spread};
}

void EngagementRefresh::set_game(std::int32_t appid, const LogHoursDistribution& game) { games_[appid] = game; }

void EngagementRefresh::add_player_hours(std::int64_t player, double hours) {
  if (hours > 0 && std::isfinite(hours)) player_hours_[player] += counted_hours(hours);
}

Engagement EngagementRefresh::score(const OwnedGame& row) const noexcept {
  // A game without statistics (new since the last full refresh) has no players
  // yet: the prior alone decides.
  LogHoursDistribution game{0, prior_.log_median, prior_.log_spread};
  if (auto found = games_.find(row.appid); found != games_.end()) game = found->second;
  Play play;
  play.hours = row.hours;
  play.recent_hours = row.recent_hours;
  play.days_since_last_played = row.days_since_last_played;
  if (auto found = player_hours_.find(row.player); found != player_hours_.end())
    play.player_total_hours = found->second;
  return engagement::score(play, game, prior_);
}

}  // namespace steam_rec::engagement
