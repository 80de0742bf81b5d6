#include "core/engagement.hpp"

#include <algorithm>
#include <cmath>

namespace steam_rec::engagement {
namespace {

double clamp01(double value) {
  if (!(value > 0)) return 0;  // also NaN
  return value < 1 ? value : 1;
}

double finite_or(double value, double fallback) { return std::isfinite(value) ? value : fallback; }

double standard_normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// The game's distribution with the prior mixed in as extra players.
LogHoursDistribution shrink(const LogHoursDistribution& game, const Prior& prior) {
  const double n = std::max(0.0, finite_or(game.players, 0));
  const double prior_median = finite_or(prior.log_median, kDefaultPriorLogMedian);
  const double prior_spread = finite_or(prior.log_spread, kDefaultPriorLogSpread);
  const double k_m =
      std::clamp(finite_or(prior.median_weight, kDefaultMedianWeight), kMinMedianWeight, kMaxMedianWeight);
  const double k_s = kSpreadPriorWeight;
  const double game_median = finite_or(game.log_median, prior_median);
  const double game_spread = finite_or(game.log_spread, prior_spread);
  LogHoursDistribution shrunk;
  shrunk.players = n;
  shrunk.log_median = (n * game_median + k_m * prior_median) / (n + k_m);
  shrunk.log_spread = std::max(kMinLogSpread, (n * game_spread + k_s * prior_spread) / (n + k_s));
  return shrunk;
}

double recency(const Play& play) {
  const double recent = std::max(0.0, finite_or(play.recent_hours, 0));
  double boost = 1 - std::exp(-recent / kRecentHoursScale);
  const double days = finite_or(play.days_since_last_played, -1);
  if (days >= 0) boost = std::max(boost, kLastPlayedWeight * std::exp(-days / kLastPlayedDays));
  return clamp01(boost);
}

Category category_of(double position, double hours) {
  for (const CategoryFloor& floor : kCategoryFloors)
    if (position >= floor.min_position && hours >= floor.min_hours) return floor.category;
  return Category::tried;
}

}  // namespace

const char* category_name(Category category) noexcept {
  switch (category) {
    case Category::unplayed:
      return "unplayed";
    case Category::tried:
      return "tried";
    case Category::casual:
      return "casual";
    case Category::regular:
      return "regular";
    case Category::dedicated:
      return "dedicated";
  }
  return "unplayed";
}

Engagement score(const Play& play, const LogHoursDistribution& game, const Prior& prior) noexcept {
  Engagement result;
  const double hours = finite_or(play.hours, 0);
  if (!(hours > 0)) return result;  // never played: exactly 0, 'unplayed'

  const LogHoursDistribution shrunk = shrink(game, prior);
  const double z = (std::log1p(hours) - shrunk.log_median) / shrunk.log_spread;
  result.position = clamp01(standard_normal_cdf(z));

  const double total = finite_or(play.player_total_hours, 0);
  const double share = total > 0 ? clamp01(hours / std::max(total, hours)) : 0;
  const double base = 1 - (1 - result.position) * (1 - kShareWeight * share);
  const double boosted = base + (1 - base) * kRecencyWeight * recency(play);

  result.score = static_cast<float>(std::clamp(boosted, kMinPlayedScore, 1.0));
  result.category = category_of(result.position, hours);
  return result;
}

}  // namespace steam_rec::engagement
