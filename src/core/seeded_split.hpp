// Seeded draws that are the same on every platform: evaluate()'s splits and
// choices, and the split train() fits the re-ranker on.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace steam_rec::rec {

// A uniform draw in [0, bound) from the standard mt19937 sequence
// (std::uniform_int_distribution differs between standard libraries).
inline std::uint32_t draw(std::mt19937& random, std::uint32_t bound) {
  return static_cast<std::uint32_t>(random() % bound);
}

// Shuffles `items` by Fisher-Yates with draw().
template <typename T>
void shuffle(std::vector<T>& items, std::mt19937& random) {
  for (std::size_t i = items.size() > 0 ? items.size() - 1 : 0; i > 0; --i)
    std::swap(items[i], items[draw(random, static_cast<std::uint32_t>(i + 1))]);
}

// How many of a player's `games` (shuffled) a split holds out: `share` of
// them, at least one and never all; none of fewer than two.
inline std::size_t held_count(std::size_t games, double share) {
  if (games < 2 || share <= 0) return 0;
  auto held = static_cast<std::size_t>(std::llround(share * static_cast<double>(games)));
  return std::clamp<std::size_t>(held, 1, games - 1);
}

}  // namespace steam_rec::rec
