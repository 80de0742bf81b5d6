// Memory and answer sizes of a training from per-worker partial sums
// (game_sums.hpp), estimated before anything large is read or allocated, so
// that train() on a Citus coordinator, and each worker building its part,
// can refuse over steam_rec.training_memory_limit as the row path does.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

// Bytes of one second-pass entry as a worker encodes it (appid and a double).
constexpr double kBytesPerSumEntry = 12.0;
// Bytes of one game of a worker's first-pass totals (appid, two counts, a sum).
constexpr double kBytesPerTotalsGame = 28.0;
// The largest value PostgreSQL holds (MaxAllocSize, 1 GB - 1): a worker's
// answer travels as one bytea, then as one base64 text.
constexpr std::size_t kLargestValueBytes = 0x3fffffff;

// How many entries per co-owned pair (diagonal included) the algorithm's
// second pass sends (game_sums_part()): itemknn's and ease's upper triangles
// one, the walk sums of rp3beta two (both directions); 0 when it needs the
// totals alone.  ease counts its blends.
double sum_entries_per_pair(const TrainParams& params);

// Pairs of `games` games, diagonal included: games (games + 1) / 2.
double game_pairs(double games);

// Bytes the coordinator holds while training from the partial sums of
// `workers` workers on `size` (games, players, tag entries; its rows stay on
// the workers), `pairs` bounding the co-owned pairs summed over every
// worker's part: each answer as base64 text and decoded, the added-up
// sections and their mirrored rows, the catalog and the algorithm's own
// memory (EASE's dense matrix among it).
double coordinator_sums_memory_bytes(const TrainParams& params, const DataSize& size, double workers, double pairs);

// Co-owned pairs of a finished TrainingSet's players, at most: the pairs
// within each player's library, and never more than every pair of its games.
double co_owned_pairs_bound(const TrainingSet& data);

// Bytes a worker holds to build and send its part of the second pass over
// `data` (its own rows, read): the rows, the encoded part, its bytea copy
// and its base64 text.
double worker_sums_memory_bytes(const TrainParams& params, const TrainingSet& data);

// Length of `bytes` bytes as base64 text (what run_command_on_workers carries).
std::size_t base64_text_bytes(std::size_t bytes);

// Whether an answer of `bytes` bytes fits in one PostgreSQL value both as
// bytea and as base64 text (plus the value's 4-byte header).
bool answer_fits_one_value(std::size_t bytes);

}  // namespace steam_rec::rec
