// Top-k ranking quality of one player's list against their held-out games.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace steam_rec::rec {

struct ListQuality {
  double recall = 0;  // hits / min(k, relevant)
  double ndcg = 0;    // binary gains; the ideal puts min(k, relevant) hits first
  bool hit = false;   // at least one relevant game in the list
};

// `ranked` is the list, best first (only its first k count); `relevant` the
// held-out games, sorted.  No relevant game gives all zeros.
ListQuality list_quality(const std::vector<std::int32_t>& ranked, const std::vector<std::int32_t>& relevant,
                         std::size_t k);

}  // namespace steam_rec::rec
