#include "core/ranking_metrics.hpp"

#include <algorithm>
#include <cmath>

namespace steam_rec::rec {

ListQuality list_quality(const std::vector<std::int32_t>& ranked, const std::vector<std::int32_t>& relevant,
                         std::size_t k) {
  ListQuality quality;
  if (relevant.empty() || k == 0) return quality;
  const std::size_t depth = std::min(k, ranked.size());
  std::size_t hits = 0;
  double dcg = 0;
  for (std::size_t i = 0; i < depth; ++i)
    if (std::binary_search(relevant.begin(), relevant.end(), ranked[i])) {
      ++hits;
      dcg += 1.0 / std::log2(static_cast<double>(i) + 2.0);
    }
  const std::size_t ideal_hits = std::min(k, relevant.size());
  double ideal = 0;
  for (std::size_t i = 0; i < ideal_hits; ++i) ideal += 1.0 / std::log2(static_cast<double>(i) + 2.0);
  quality.recall = static_cast<double>(hits) / static_cast<double>(ideal_hits);
  quality.ndcg = dcg / ideal;
  quality.hit = hits > 0;
  return quality;
}

}  // namespace steam_rec::rec
