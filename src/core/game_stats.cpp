#include "core/game_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace steam_rec::engagement {
namespace {

// An interquartile range of a normal distribution is 1.349 standard deviations;
// a median absolute deviation is 1 / 1.4826 of one.
constexpr double kIqrPerSigma = 1.3489795003921634;
constexpr double kSigmaPerMad = 1.482602218505602;

double median_of(std::vector<double>& values, double fallback) {
  if (values.empty()) return fallback;
  auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  double upper = *middle;
  if (values.size() % 2 == 1) return upper;
  double lower = *std::max_element(values.begin(), middle);
  return (lower + upper) / 2;
}

}  // namespace

double quantile_of_sorted(const float* sorted, std::size_t count, double q) noexcept {
  if (count == 0) return 0;
  const double position = q * static_cast<double>(count - 1);
  const std::size_t below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, count - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

namespace {

// Returns the value at `index` of the sorted values written out with their repeats.
float counted_value_at(const float* sorted, const std::uint64_t* counts, std::size_t size,
                       std::uint64_t index) noexcept {
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < size; ++i) {
    seen += counts[i];
    if (index < seen) return sorted[i];
  }
  return sorted[size - 1];
}

// Returns `rows`, or the largest int32 for more: a count past it is kept
// as the largest, not wrapped around to a negative one.
std::int32_t at_most_int32(std::uint64_t rows) noexcept {
  return static_cast<std::int32_t>(std::min<std::uint64_t>(rows, std::numeric_limits<std::int32_t>::max()));
}

}  // namespace

double quantile_of_counted(const float* sorted, const std::uint64_t* counts, std::size_t size, std::uint64_t total,
                           double q) noexcept {
  if (size == 0 || total == 0) return 0;
  // The arithmetic of quantile_of_sorted, float differences included, so
  // counted and written-out values give the same bits.
  const double position = q * static_cast<double>(total - 1);
  const std::uint64_t below = static_cast<std::uint64_t>(std::floor(position));
  const std::uint64_t above = std::min<std::uint64_t>(below + 1, total - 1);
  const double fraction = position - static_cast<double>(below);
  const float low = counted_value_at(sorted, counts, size, below);
  const float high = counted_value_at(sorted, counts, size, above);
  return low + fraction * (high - low);
}

void GameStatsBuilder::add(std::int32_t appid, double hours, std::uint32_t count) {
  if (count == 0) return;
  const float log_hours = hours > 0 && std::isfinite(hours) ? static_cast<float>(std::log1p(hours)) : -1.0f;
  samples_.push_back(Sample{appid, log_hours, count});
}

void GameStatsBuilder::build(CancelCheck& cancel, std::vector<GameStats>* games, Prior* prior) {
  // Sorting by (appid, log_hours) puts each game's unplayed rows first and its
  // played hours after them in order, ready for quantiles.
  std::sort(samples_.begin(), samples_.end(), [](const Sample& a, const Sample& b) {
    return a.appid != b.appid ? a.appid < b.appid : a.log_hours < b.log_hours;
  });
  cancel.poll_now();

  games->clear();
  std::vector<float> played;
  // Counts of equal values add up across distinct hours of the same float
  // ln(1 + hours), each up to 2^31 - 1 rows: 64 bits hold their sum.
  std::vector<std::uint64_t> repeats;
  std::vector<double> game_medians;
  std::vector<double> settled_medians;  // of games with kMinPlayersForSpread players
  std::vector<double> game_spreads;
  std::size_t begin = 0;
  while (begin < samples_.size()) {
    std::size_t end = begin;
    while (end < samples_.size() && samples_[end].appid == samples_[begin].appid) ++end;

    // The game's played values in order, equal ones merged into one with a count.
    played.clear();
    repeats.clear();
    std::uint64_t owners = 0, players = 0;
    for (std::size_t i = begin; i < end; ++i) {
      owners += samples_[i].count;
      if (samples_[i].log_hours < 0) continue;
      players += samples_[i].count;
      if (!played.empty() && played.back() == samples_[i].log_hours) {
        repeats.back() += samples_[i].count;
      } else {
        played.push_back(samples_[i].log_hours);
        repeats.push_back(samples_[i].count);
      }
    }

    GameStats stats;
    stats.appid = samples_[begin].appid;
    stats.owners = at_most_int32(owners);
    stats.players = at_most_int32(players);
    if (players > 0) {
      auto quantile = [&](double q) {
        return quantile_of_counted(played.data(), repeats.data(), played.size(), players, q);
      };
      stats.log_median = quantile(0.5);
      stats.log_spread = (quantile(0.75) - quantile(0.25)) / kIqrPerSigma;
      stats.median_hours = std::expm1(stats.log_median);
      stats.p75_hours = std::expm1(quantile(0.75));
      stats.p90_hours = std::expm1(quantile(0.90));
      game_medians.push_back(stats.log_median);
      if (stats.players >= kMinPlayersForSpread) {
        game_spreads.push_back(stats.log_spread);
        settled_medians.push_back(stats.log_median);
      }
    }
    games->push_back(stats);
    begin = end;
    cancel.poll(64);
  }

  prior->log_median = median_of(game_medians, kDefaultPriorLogMedian);
  prior->log_spread = std::max(kMinLogSpread, median_of(game_spreads, kDefaultPriorLogSpread));
  prior->median_weight = kDefaultMedianWeight;
  if (settled_medians.size() >= 3) {
    const double center = median_of(settled_medians, prior->log_median);
    std::vector<double> deviations;
    deviations.reserve(settled_medians.size());
    for (double median : settled_medians) deviations.push_back(std::fabs(median - center));
    const double tau = kSigmaPerMad * median_of(deviations, 0);
    if (tau > 0)
      prior->median_weight =
          std::clamp(prior->log_spread * prior->log_spread / (tau * tau), kMinMedianWeight, kMaxMedianWeight);
  }
  samples_.clear();
  samples_.shrink_to_fit();
}

}  // namespace steam_rec::engagement
