// Keeping the k best of a long stream of scored candidates, most of which
// lose, without listing them all first.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/top_k.hpp"

namespace steam_rec::rec {

// Collects candidates offered in any order into `kept` (emptied first), cut
// back to the k best by better() whenever they fill their room; after a cut
// only a candidate scoring at least the worst kept can be among the best, so
// the rest are turned away with one comparison each.  finish() leaves in
// `kept` exactly what keep_best() leaves of every candidate offered.
class BestKept {
 public:
  BestKept(std::vector<Scored>& kept, std::size_t k) : kept_(kept), k_(k), room_(4 * k + 64) {
    kept_.clear();
    kept_.reserve(room_);
  }

  // The least score a candidate needs now to be kept (ties may win by index).
  float to_beat() const { return to_beat_; }

  void offer(float score, std::int32_t index) {
    if (k_ == 0 || score < to_beat_) return;
    kept_.push_back(Scored{score, index});
    if (kept_.size() < room_) return;
    select_best(kept_, k_);
    to_beat_ = std::max_element(kept_.begin(), kept_.end(), [](const Scored& a, const Scored& b) {
                 return better(a, b);
               })->score;  // the worst kept
  }

  // Leaves the k best offered in `kept`, best first.
  void finish() { keep_best(kept_, k_); }

 private:
  std::vector<Scored>& kept_;
  std::size_t k_;
  std::size_t room_;
  float to_beat_ = -std::numeric_limits<float>::infinity();
};

}  // namespace steam_rec::rec
