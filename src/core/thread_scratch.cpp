#include "core/thread_scratch.hpp"

#include "core/algorithm_registry.hpp"

namespace steam_rec::rec {

// A Recommender's per-call scratch, per game: two float score arrays, three
// flags, a tag filter byte, the lists of touched and excluded games, and,
// for a re-ranker, each game's support (two floats) and the list of games
// counted without being touched.
constexpr double kRankingScratchPerGame = 29.0;

double thread_scratch_bytes(const TrainParams& params, const DataSize& size, int threads, bool ranking) {
  double bytes = params.algorithm->thread_bytes(params, size, threads);
  // evaluate() ranks on each extra thread with a Recommender of its own,
  // which shares the model's image and adds only its scratch.
  if (ranking && threads > 1) bytes += (threads - 1) * kRankingScratchPerGame * static_cast<double>(size.games);
  return bytes;
}

}  // namespace steam_rec::rec
