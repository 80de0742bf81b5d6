// Each thread's RowScratch sits on cache lines of its own: the threads'
// scratches are one array, and a row's appends write its vectors' ends,
// which a neighbouring thread's scratch on the same line would make the two
// cores pass back and forth (two threads took 60% more CPU time than one
// for the same content rows).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/row_parts.hpp"

namespace steam_rec::rec {
namespace {

constexpr std::uintptr_t kCacheLine = 64;

TEST(RowScratchOwnCacheLine, NoTwoThreadsShareALine) {
  const std::vector<RowScratch> scratch(3);
  for (const RowScratch& s : scratch) {
    const auto first = reinterpret_cast<std::uintptr_t>(&s);
    EXPECT_EQ(first % kCacheLine, 0u);
  }
  EXPECT_EQ(sizeof(RowScratch) % kCacheLine, 0u);
}

}  // namespace
}  // namespace steam_rec::rec
