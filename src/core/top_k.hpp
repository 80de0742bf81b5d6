// Keeping the k best of many scored candidates.
#pragma once

#include <algorithm>
#include <cstdint>
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

// Leaves the k best candidates in `candidates`, best first.
inline void keep_best(std::vector<Scored>& candidates, std::size_t k) {
  auto by_quality = [](const Scored& a, const Scored& b) { return better(a, b); };
  if (candidates.size() > k) {
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k), candidates.end(),
                     by_quality);
    candidates.resize(k);
  }
  std::sort(candidates.begin(), candidates.end(), by_quality);
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
