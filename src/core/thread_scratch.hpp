// The memory that running on several threads adds to a training's or an
// evaluation's peak: each thread's scratch, on top of training_memory_bytes().
#pragma once

#include "core/train_params.hpp"

namespace steam_rec::rec {

// Bytes that `threads` threads add to training `params` on data of `size`;
// with `ranking`, also what evaluate()'s parallel ranking adds (each extra
// thread's ranking scratch; the model's image is shared).  An upper estimate.
double thread_scratch_bytes(const TrainParams& params, const DataSize& size, int threads, bool ranking);

}  // namespace steam_rec::rec
