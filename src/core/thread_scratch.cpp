#include "core/thread_scratch.hpp"

#include <algorithm>
#include <cmath>

namespace steam_rec::rec {

double thread_scratch_bytes(const TrainParams& params, const DataSize& size, int threads, bool ranking) {
  const double games = static_cast<double>(size.games);
  const double per_thread_row = games * 16.0;  // a float accumulator, touched list and candidates per game
  const double factors = params.factors;
  const Algorithm collaborative = params.algorithm == Algorithm::hybrid ? params.base : params.algorithm;
  const bool content = params.algorithm == Algorithm::content || params.algorithm == Algorithm::hybrid;

  double per_thread = content ? per_thread_row : 0;
  double shared = 0;
  switch (collaborative) {
    case Algorithm::itemknn:
      per_thread = std::max(per_thread, per_thread_row);
      break;
    case Algorithm::ease:
      per_thread = std::max(per_thread, std::min(games, static_cast<double>(params.max_games)) * 8.0);
      break;
    case Algorithm::ials:
    {
      // A normal matrix and its factorisation (Cholesky) or four vectors
      // (conjugate gradient); and the Gram matrix's partial sums, one per
      // 1,024 rows and at most 32 (train_ials.cpp), plus their total.
      per_thread = std::max(per_thread, 2 * factors * factors * 4.0 + 4 * factors * 4.0);
      const double rows = std::max(static_cast<double>(size.players), games);
      shared += (std::min(32.0, std::ceil(rows / 1024)) + 1) * factors * factors * 4.0;
      break;
    }
    default:
      break;
  }
  double bytes = threads * per_thread + shared;
  if (ranking && threads > 1) {
    // evaluate() ranks with a copy of the model per extra thread.
    double model = games * 64.0 + 16.0 * static_cast<double>(size.tag_entries);
    if (collaborative == Algorithm::itemknn || collaborative == Algorithm::ease) model += games * params.neighbors * 8.0;
    if (collaborative == Algorithm::ials) model += games * factors * 4.0 + factors * factors * 4.0;
    if (content) model += games * params.content_neighbors * 8.0;
    bytes += (threads - 1) * model;
  }
  return bytes;
}

}  // namespace steam_rec::rec
