// train() on a Citus coordinator from the workers' partial sums
// (core/game_sums.hpp) instead of their rows: choosing the path, and
// gathering the sums.
#pragma once

#include <memory>
#include <string>

#include "core/game_sums.hpp"
#include "core/train_params.hpp"
#include "core/trainer.hpp"
#include "pg/postgres.hpp"

extern "C" {
#include "utils/jsonb.h"
}

namespace steam_rec::pg {

// Whether train() should gather partial sums rather than pull the rows:
// steam_rec.train_from_partial_sums, the algorithm, whether this is a Citus
// coordinator whose user_games shards all sit on workers, and under 'auto'
// the bytes each path would move (docs/citus.md).  When chosen,
// `coordinator_bytes` is what the coordinator will hold (the catalog's facts
// aside, which are counted as they are read).  Inside SPI.
bool train_from_partial_sums_chosen(const rec::TrainParams& params, const rec::DataSize& size,
                                    double* coordinator_bytes);

// What the workers sent, added up; lives in a memory context (new_in_context()).
struct GatheredSums {
  rec::OwnedTotals totals;
  std::unique_ptr<rec::GameSums> sums;  // set by the caller between the two passes
  std::string encoded_totals;           // what the second pass sends every worker
  int64 bytes_received = 0;             // the workers' answers, as they travelled (base64 text)
  int64 pairs_received = 0;             // co-owned pairs (diagonal included) summed over the workers' parts
  int workers = 0;
};

// Runs owned_game_totals() on every worker and adds the answers into
// out->totals.  `params` may be NULL.  A worker that refuses fails the call
// with the worker's SQLSTATE and message; one that cannot be reached with
// 08006.  Inside SPI.
void gather_owned_totals(const char* algorithm, Jsonb* params, GatheredSums* out);

// Runs co_ownership_sums() on every worker with out->totals and adds the
// answers into *out->sums.  As gather_owned_totals().
void gather_co_ownership(const char* algorithm, Jsonb* params, GatheredSums* out);

}  // namespace steam_rec::pg
