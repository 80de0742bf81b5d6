// Numbers appids in the order they are first seen, by an open-addressing
// hash table: the training set looks up every owned game and tag row's
// appid, and sorting all those appids to number them, then a binary search
// per row, was most of its build after the read.
#pragma once

#include <cstdint>
#include <vector>

namespace steam_rec::rec {

class AppidNumbers {
 public:
  // The number of `appid`, a new one (the count so far) if it was not seen.
  std::int32_t number(std::int32_t appid) {
    if ((seen_.size() + 1) * 2 > slots_.size()) grow();
    std::size_t slot = home(appid);
    for (;;) {
      const std::int32_t held = slots_[slot];
      if (held == 0) break;
      if (seen_[static_cast<std::size_t>(held - 1)] == appid) return held - 1;
      slot = (slot + 1) & (slots_.size() - 1);
    }
    seen_.push_back(appid);
    slots_[slot] = static_cast<std::int32_t>(seen_.size());
    return static_cast<std::int32_t>(seen_.size()) - 1;
  }

  // Every appid seen, at its number.
  const std::vector<std::int32_t>& appids() const { return seen_; }

 private:
  // A slot for `appid` to start probing at (Fibonacci hashing).
  std::size_t home(std::int32_t appid) const {
    return static_cast<std::size_t>((static_cast<std::uint32_t>(appid) * 2654435769u) >> (32 - bits_));
  }

  // Doubles the table (at most half full) and places every number again.
  void grow() {
    bits_ = slots_.empty() ? 10 : bits_ + 1;
    slots_.assign(std::size_t{1} << bits_, 0);
    for (std::size_t n = 0; n < seen_.size(); ++n) {
      std::size_t slot = home(seen_[n]);
      while (slots_[slot] != 0) slot = (slot + 1) & (slots_.size() - 1);
      slots_[slot] = static_cast<std::int32_t>(n + 1);
    }
  }

  int bits_ = 0;
  std::vector<std::int32_t> slots_;  // number + 1, 0 for an empty slot
  std::vector<std::int32_t> seen_;
};

}  // namespace steam_rec::rec
