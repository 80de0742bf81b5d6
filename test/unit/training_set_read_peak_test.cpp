// The training set at its peak, from the first row read to the rows built
// (TrainingSet::finish()), against what the training memory estimate counts
// for it (training_memory_bytes(): kBytesPerPlay a play, kBytesPerTagEntry
// a tag row).  The rows read are held in arrays that double as they grow
// when no size was expected (a table never analyzed): such an array may
// hold room for twice its rows while the rows are built from it.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "allocation_peak.hpp"
#include "core/cancel.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {
namespace {

#ifdef STEAM_REC_ALLOCATION_HOOKS
using steam_rec::test::peak_bytes;
#endif

steam_rec::CancelCheck no_cancel;

constexpr std::int32_t kGames = 1000, kGamesPerPlayer = 16, kTagNames = 40;

// `plays` plays of kGamesPerPlayer distinct games per player, and `tag_rows`
// tag rows of distinct (game, tag) pairs, read without expect_rows(), then
// finished.
void read_and_finish(std::int64_t plays, std::int64_t tag_rows) {
  TrainingSet data;
  for (std::int64_t i = 0; i < plays; ++i)
    data.add_owned(76561197960265728 + i / kGamesPerPlayer, 1 + static_cast<std::int32_t>((i * 37) % kGames),
                   static_cast<float>(i % 10) / 10.0f);
  for (std::int64_t i = 0; i < tag_rows; ++i)
    data.add_tag(1 + static_cast<std::int32_t>(i % kGames), "tag " + std::to_string(i / kGames % kTagNames),
                 static_cast<std::int32_t>(i / kGames % kTagNames) + 1);
  data.finish(no_cancel);
}

DataSize size_of(std::int64_t plays, std::int64_t tag_rows) {
  DataSize size;
  size.players = (plays + kGamesPerPlayer - 1) / kGamesPerPlayer;
  size.games = kGames;
  size.interactions = plays;
  size.tag_entries = tag_rows;
  for (std::int32_t t = 0; t < kTagNames && t * kGames < tag_rows; ++t)
    size.tag_name_bytes += TrainingSet::tag_name_bytes("tag " + std::to_string(t));
  return size;
}

// One more row than a power of two: each array has just doubled, to room for
// almost twice its rows.
TEST(TrainingSetReadPeak, GrownArraysStayWithinTheEstimate) {
#ifndef STEAM_REC_ALLOCATION_HOOKS
  GTEST_SKIP() << "needs a sanitizer's allocation hooks";
#else
  const std::int64_t plays = (std::int64_t{1} << 20) + 1, tag_rows = kGames * kTagNames / 2 + 1;
  const std::int64_t peak = peak_bytes([&] { read_and_finish(plays, tag_rows); });
  const double estimate = training_memory_bytes(resolve_params("popularity", {}), size_of(plays, tag_rows));
  EXPECT_LE(static_cast<double>(peak), estimate) << "peak " << static_cast<double>(peak) / static_cast<double>(plays)
                                                 << " bytes a play, estimate " << estimate / static_cast<double>(plays);
#endif
}

// Arrays reserved to their rows (the tables' statistics were right): the
// peak is well under the estimate, which holds for the grown ones.
TEST(TrainingSetReadPeak, ReservedArraysPeakBelowGrownOnes) {
#ifndef STEAM_REC_ALLOCATION_HOOKS
  GTEST_SKIP() << "needs a sanitizer's allocation hooks";
#else
  const std::int64_t plays = (std::int64_t{1} << 20) + 1;
  const std::int64_t grown = peak_bytes([&] { read_and_finish(plays, 0); });
  const std::int64_t reserved = peak_bytes([&] {
    TrainingSet data;
    data.expect_rows(plays, 0, 1e12);
    for (std::int64_t i = 0; i < plays; ++i)
      data.add_owned(76561197960265728 + i / kGamesPerPlayer, 1 + static_cast<std::int32_t>((i * 37) % kGames), 0.5f);
    data.finish(no_cancel);
  });
  EXPECT_LT(reserved, grown);
  EXPECT_LE(static_cast<double>(reserved) / static_cast<double>(plays), kBytesPerPlay);
#endif
}

}  // namespace
}  // namespace steam_rec::rec
