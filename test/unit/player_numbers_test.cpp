// PlayerNumbers numbers 64-bit Steam ids in the order they are first seen:
// ids that share their low or high 32 bits are still different players, and
// every id keeps its number as the table grows.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "core/seen_numbers.hpp"

using steam_rec::rec::PlayerNumbers;

TEST(PlayerNumbers, SixtyFourBitIdsNumberedInFirstSeenOrder) {
  std::mt19937_64 random(5);
  std::vector<std::int64_t> ids = {INT64_MIN, -1, 0, 1, INT64_MAX};
  for (std::int64_t i = 0; i < 3000; ++i) {
    ids.push_back(76561197960265728 + i);  // Steam ids: one high half
    ids.push_back((i << 32) | 12345);      // one low half
    ids.push_back(static_cast<std::int64_t>(random()));
  }
  PlayerNumbers numbers;
  std::map<std::int64_t, std::int32_t> expected;
  for (int round = 0; round < 2; ++round)
    for (std::int64_t id : ids) {
      const auto [it, inserted] = expected.emplace(id, static_cast<std::int32_t>(expected.size()));
      (void)inserted;
      ASSERT_EQ(numbers.number(id), it->second) << id;
    }
  ASSERT_EQ(numbers.keys().size(), expected.size());
  for (const auto& [id, number] : expected) EXPECT_EQ(numbers.keys()[static_cast<std::size_t>(number)], id);
}
