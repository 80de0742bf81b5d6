#include "core/partial_sums_memory.hpp"

#include <algorithm>
#include <string>

#include "core/algorithm_registry.hpp"
#include "core/game_sums.hpp"

namespace steam_rec::rec {
namespace {

// The catalog the coordinator keeps: tags (their names once read) and games,
// and the stored model's tags and popularity (as training_memory_bytes()
// counts them).
double catalog_bytes(const DataSize& size) {
  return kBytesPerTagEntry * static_cast<double>(size.tag_entries) + size.tag_name_bytes +
         64.0 * static_cast<double>(size.games) + 64.0 * static_cast<double>(size.players);
}

// Bytes of one answer holding `entries` entries in `sections` sections over
// `games` games: a tag and a row count per section, an appid and a length
// per row (game_sums.cpp: put_section()).
double answer_bytes(double sections, double entries, double games) {
  return entries * kBytesPerSumEntry + sections * (8.0 + 8.0 * games);
}

}  // namespace

double sum_entries_per_pair(const TrainParams& params) {
  if (!needs_co_ownership_sums(params)) return 0;
  const AlgorithmSpec* part = params.algorithm->default_base != nullptr ? params.base : params.algorithm;
  const std::string name = algorithm_name(part);
  if (name == "itemknn") return 1;
  if (name == "rp3beta") return 2;
  return 1 + (params.knn_weight > 0 ? 1 : 0) + (params.rp3_weight > 0 ? 2 : 0);
}

double game_pairs(double games) { return games * (games + 1) / 2; }

double coordinator_sums_memory_bytes(const TrainParams& params, const DataSize& size, double workers, double pairs) {
  const double games = static_cast<double>(size.games);
  const double per_pair = sum_entries_per_pair(params);
  // Every worker's entries travel; the added-up sections hold each distinct
  // entry once.
  const double sent = pairs * per_pair;
  const double distinct = std::min(sent, game_pairs(games) * per_pair);
  const double totals = workers * games * kBytesPerTotalsGame;
  // Answers: base64 text (4/3) in Citus's result and the decoded bytea (1).
  const double per_worker_rows = per_pair > 0 ? answer_bytes(per_pair, 0, games) : 0;
  const double answers = (sent * kBytesPerSumEntry + workers * per_worker_rows + totals) * (4.0 / 3 + 1);
  // GameSums: 16 bytes per entry held, and for the section being read 32
  // more per entry mirrored and 24 as rows (game_sums.cpp: added()).
  const double added = distinct * (16.0 + 32.0 + 24.0);
  // The algorithm's own memory without the rows: EASE's dense matrix, the
  // neighbour lists; RP3beta's walk is what the sums hold.
  DataSize without_rows = size;
  without_rows.interactions = 0;
  return answers + added + catalog_bytes(size) + params.algorithm->memory_bytes(params, without_rows);
}

double co_owned_pairs_bound(const TrainingSet& data) {
  const SparseRows& by_player = data.by_player();
  double library_pairs = 0;
  for (std::int32_t p = 0; p < by_player.rows(); ++p)
    library_pairs += game_pairs(static_cast<double>(by_player.offset[p + 1] - by_player.offset[p]));
  return std::min(library_pairs, game_pairs(static_cast<double>(data.games())));
}

double worker_sums_memory_bytes(const TrainParams& params, const TrainingSet& data) {
  const double per_pair = sum_entries_per_pair(params);
  const double entries = co_owned_pairs_bound(data) * per_pair;
  // The rows in both orientations (kBytesPerPlay each, as training_memory_bytes()),
  // a dot product and a mark per game, and the part three times: encoded,
  // copied into a bytea, and as base64 text (4/3).
  return kBytesPerPlay * static_cast<double>(data.interactions()) + 9.0 * static_cast<double>(data.games()) +
         answer_bytes(per_pair, entries, static_cast<double>(data.games())) * (1 + 1 + 4.0 / 3);
}

std::size_t base64_text_bytes(std::size_t bytes) { return (bytes + 2) / 3 * 4; }

bool answer_fits_one_value(std::size_t bytes) {
  constexpr std::size_t kHeader = 4;
  return bytes <= kLargestValueBytes - kHeader && base64_text_bytes(bytes) <= kLargestValueBytes - kHeader;
}

}  // namespace steam_rec::rec
