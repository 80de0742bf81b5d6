// Keeping the k best of many scored candidates.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace steam_rec::rec {

struct Scored {
  float score;
  std::int32_t index;
};

// Better first: higher score, then lower index, so results are deterministic.
inline bool better(const Scored& a, const Scored& b) {
  return a.score != b.score ? a.score > b.score : a.index < b.index;
}

// Leaves the k best candidates in `candidates`, best first.
inline void keep_best(std::vector<Scored>& candidates, std::size_t k) {
  if (candidates.size() > k) {
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k), candidates.end(), better);
    candidates.resize(k);
  }
  std::sort(candidates.begin(), candidates.end(), better);
}

}  // namespace steam_rec::rec
