// train() reserves room for the rows the tables' statistics promise before it
// reads them, and before the memory check that counts the rows as they are
// read: a stale estimate (a table emptied since its last ANALYZE) must not
// take more memory than steam_rec.training_memory_limit allows.
#include <gtest/gtest.h>

#include "core/training_set.hpp"

namespace steam_rec::rec {
namespace {

TEST(TrainingSetExpectRows, ReservesRoomThatFitsTheBound) {
  TrainingSet data;
  data.expect_rows(1000, 2000, 1 << 20);
  EXPECT_GE(data.reserved_bytes(), 1000u * 8 + 2000u * 8);
  EXPECT_LE(data.reserved_bytes(), std::size_t{1} << 20);
}

TEST(TrainingSetExpectRows, ReservesNothingWhenTheEstimateIsOverTheBound) {
  TrainingSet data;
  // 50 million rows each, as a stale estimate could claim, against 16 MB.
  data.expect_rows(50'000'000, 50'000'000, 16 << 20);
  EXPECT_EQ(data.reserved_bytes(), 0u);
  // The rows still arrive and are kept.
  data.add_owned(76561197960265729, 10, 0.5f);
  data.add_tag(10, "Action", 1);
  EXPECT_EQ(data.rows_added(), 1);
  EXPECT_EQ(data.tag_rows_added(), 1);
}

}  // namespace
}  // namespace steam_rec::rec
