// Numbers appids, players and tag names in the order they are first seen, by
// an open-addressing hash table: the training set looks up every owned game
// and tag row's appid, player and tag name.  Sorting all the appids to number
// them, then a binary search per row, was most of its build after the read;
// the players went through a std::unordered_map (a node per player), and the
// tag names through one keyed by std::string (a string built per row).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace steam_rec::rec {

// Keys are kept as Key and looked up as View (a tag name is looked up from a
// view into a row the caller does not keep, and copied only when new).
template <typename Key, typename View = Key>
class SeenNumbers {
 public:
  // The number of `key`, a new one (the count so far) if it was not seen.
  std::int32_t number(View key) {
    if ((seen_.size() + 1) * 2 > slots_.size()) grow();
    std::size_t slot = home(key);
    for (;;) {
      const std::int32_t held = slots_[slot];
      if (held == 0) break;
      if (seen_[static_cast<std::size_t>(held - 1)] == key) return held - 1;
      slot = (slot + 1) & (slots_.size() - 1);
    }
    seen_.emplace_back(key);
    slots_[slot] = static_cast<std::int32_t>(seen_.size());
    return static_cast<std::int32_t>(seen_.size()) - 1;
  }

  // Whether `key` was seen (numbering nothing).
  bool seen(View key) const {
    if (slots_.empty()) return false;
    for (std::size_t slot = home(key);; slot = (slot + 1) & (slots_.size() - 1)) {
      const std::int32_t held = slots_[slot];
      if (held == 0) return false;
      if (seen_[static_cast<std::size_t>(held - 1)] == key) return true;
    }
  }

  // Every key seen, at its number.
  const std::vector<Key>& keys() const { return seen_; }

 private:
  // A slot for `key` to start probing at (Fibonacci hashing of the key, or
  // of its std::hash).
  std::size_t home(View key) const {
    std::uint64_t bits;
    if constexpr (std::is_integral_v<View>)
      bits = static_cast<std::uint64_t>(key);
    else
      bits = std::hash<View>{}(key);
    return static_cast<std::size_t>((bits * 0x9E3779B97F4A7C15ull) >> (64 - bits_));
  }

  // Doubles the table (at most half full) and places every number again.
  void grow() {
    bits_ = slots_.empty() ? 10 : bits_ + 1;
    slots_.assign(std::size_t{1} << bits_, 0);
    for (std::size_t n = 0; n < seen_.size(); ++n) {
      std::size_t slot = home(View(seen_[n]));
      while (slots_[slot] != 0) slot = (slot + 1) & (slots_.size() - 1);
      slots_[slot] = static_cast<std::int32_t>(n + 1);
    }
  }

  int bits_ = 0;
  std::vector<std::int32_t> slots_;  // number + 1, 0 for an empty slot
  std::vector<Key> seen_;
};

using AppidNumbers = SeenNumbers<std::int32_t>;
using PlayerNumbers = SeenNumbers<std::int64_t>;
using TagNumbers = SeenNumbers<std::string, std::string_view>;

}  // namespace steam_rec::rec
