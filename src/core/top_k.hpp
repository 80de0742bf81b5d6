// Keeping the k best of many scored candidates.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <queue>
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

// A key that orders scores as floats do, with -0 as 0 (better() finds them
// equal), for scores that are not NaN.
inline std::uint32_t score_order_key(float score) {
  if (score == 0) score = 0;
  std::uint32_t bits;
  std::memcpy(&bits, &score, sizeof bits);
  return (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
}

// Moves to the front of `candidates` a part that holds their k best (k <
// size) and returns that part's size: a histogram of the scores over 1,024
// ranges finds the range the k-th best falls in, and one pass keeps every
// candidate from that range up.  Two passes that move only the few kept
// replace selecting among all of a long row, most of which lose.
inline std::size_t front_holding_best(std::vector<Scored>& candidates, std::size_t k) {
  constexpr std::size_t kRanges = 1024;
  std::uint32_t low = UINT32_MAX, high = 0;
  for (const Scored& c : candidates) {
    const std::uint32_t key = score_order_key(c.score);
    low = std::min(low, key);
    high = std::max(high, key);
  }
  int shift = 0;
  while (((high - low) >> shift) >= kRanges) ++shift;
  std::uint32_t counts[kRanges] = {};
  for (const Scored& c : candidates) ++counts[(score_order_key(c.score) - low) >> shift];
  std::size_t range = kRanges - 1, above = 0;
  while (above + counts[range] < k) above += counts[range--];
  std::size_t kept = 0;
  for (const Scored& c : candidates)
    if (((score_order_key(c.score) - low) >> shift) >= range) candidates[kept++] = c;
  return kept;
}

// Leaves the k best candidates in `candidates`, in no particular order, for
// callers that order them otherwise.  better() is a total order (the index
// breaks ties), so the k kept do not depend on how they were found.
inline void select_best(std::vector<Scored>& candidates, std::size_t k) {
  if (candidates.size() <= k) return;
  // Long rows of many losers first shrink to a part that holds the best.
  const std::size_t part =
      k > 0 && candidates.size() >= 4 * k + 256 ? front_holding_best(candidates, k) : candidates.size();
  std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k),
                   candidates.begin() + static_cast<std::ptrdiff_t>(part),
                   [](const Scored& a, const Scored& b) { return better(a, b); });
  candidates.resize(k);
}

// Leaves the k best candidates in `candidates`, best first.
inline void keep_best(std::vector<Scored>& candidates, std::size_t k) {
  select_best(candidates, k);
  std::sort(candidates.begin(), candidates.end(), [](const Scored& a, const Scored& b) { return better(a, b); });
}

// The k best of a stream of candidates, in O(log k) per candidate.
class BestOf {
 public:
  explicit BestOf(std::size_t k) : k_(k) {}

  // Whether a candidate of this score and index would be kept now.
  bool would_keep(const Scored& candidate) const {
    return k_ > 0 && (heap_.size() < k_ || better(candidate, heap_.top()));
  }
  void offer(const Scored& candidate) {
    if (!would_keep(candidate)) return;
    if (heap_.size() == k_) heap_.pop();
    heap_.push(candidate);
  }
  bool full() const { return heap_.size() == k_; }
  // The kept candidates, best first; empties the selection.
  std::vector<Scored> take() {
    std::vector<Scored> best;
    while (!heap_.empty()) {
      best.push_back(heap_.top());
      heap_.pop();
    }
    std::reverse(best.begin(), best.end());
    return best;
  }

 private:
  struct WorstOnTop {
    bool operator()(const Scored& a, const Scored& b) const { return better(a, b); }
  };
  std::size_t k_;
  std::priority_queue<Scored, std::vector<Scored>, WorstOnTop> heap_;
};

}  // namespace steam_rec::rec
