#include "core/thread_scratch.hpp"

#include "core/algorithm_registry.hpp"

namespace steam_rec::rec {

double thread_scratch_bytes(const TrainParams& params, const DataSize& size, int threads, bool ranking) {
  double bytes = params.algorithm->thread_bytes(params, size, threads);
  if (ranking && threads > 1) {
    // evaluate() ranks with a copy of the model per extra thread: popularity
    // and tags (every model's), and the algorithm's own parts.
    const double shared_parts = static_cast<double>(size.games) * 64.0 + 16.0 * static_cast<double>(size.tag_entries);
    bytes += (threads - 1) * (shared_parts + params.algorithm->model_bytes(params, size));
  }
  return bytes;
}

}  // namespace steam_rec::rec
