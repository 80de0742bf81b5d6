#include "core/game_model.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/errors.hpp"

namespace steam_rec::rec {

std::int32_t GameModel::game_index(std::int32_t appid) const {
  auto it = std::lower_bound(appids.begin(), appids.end(), appid);
  if (it == appids.end() || *it != appid) return -1;
  return static_cast<std::int32_t>(it - appids.begin());
}

std::int32_t GameModel::tag_index(const std::string& name) const {
  auto it = std::find(tag_names.begin(), tag_names.end(), name);
  return it == tag_names.end() ? -1 : static_cast<std::int32_t>(it - tag_names.begin());
}

namespace {

bool usable(float value) { return std::isfinite(value) && std::fabs(value) <= kLargestStoredMagnitude; }

void check_rows(const SparseRows& rows, std::int32_t expected_rows, std::int64_t columns, const char* what) {
  if (rows.rows() <= 0 && rows.nonzeros() == 0) return;  // absent
  if (rows.rows() != expected_rows)
    throw InvalidArgument(std::string("model ") + what + " has the wrong number of rows");
  if (rows.index.size() != rows.value.size()) throw InvalidArgument(std::string("model ") + what + " is inconsistent");
  if (rows.offset.front() != 0 || rows.offset.back() != rows.nonzeros())
    throw InvalidArgument(std::string("model ") + what + " is inconsistent");
  for (std::int32_t r = 0; r < rows.rows(); ++r) {
    if (rows.offset[r] > rows.offset[r + 1]) throw InvalidArgument(std::string("model ") + what + " is inconsistent");
    // Rows must ascend strictly: lookups binary-search them.
    for (std::int64_t p = rows.offset[r] + 1; p < rows.offset[r + 1]; ++p)
      if (rows.index[p] <= rows.index[p - 1])
        throw InvalidArgument(std::string("model ") + what + " rows are not ascending");
  }
  for (std::size_t i = 0; i < rows.index.size(); ++i) {
    if (rows.index[i] < 0 || rows.index[i] >= columns)
      throw InvalidArgument(std::string("model ") + what + " refers to an unknown entry");
    if (!usable(rows.value[i]))
      throw InvalidArgument(std::string("model ") + what + " holds a weight that is not finite or beyond 1e12");
  }
}

}  // namespace

void GameModel::validate() const {
  if (!std::is_sorted(appids.begin(), appids.end()) || std::adjacent_find(appids.begin(), appids.end()) != appids.end())
    throw InvalidArgument("model games are not distinct and ascending");
  if (popularity.size() != appids.size()) throw InvalidArgument("model popularity does not match its games");
  for (float p : popularity)
    if (!usable(p)) throw InvalidArgument("model popularity holds a value that is not finite or beyond 1e12");
  check_rows(neighbors, games(), games(), "neighbours");
  check_rows(tags, games(), static_cast<std::int64_t>(tag_names.size()), "tags");
  check_rows(content_neighbors, games(), games(), "content neighbours");
  if (factors.size() > 0 && (factors.rows() != games() || !factors.allFinite()))
    throw InvalidArgument("model factors do not match its games");
  if (factors.size() > 0 && factors.cwiseAbs().maxCoeff() > kLargestStoredMagnitude)
    throw InvalidArgument("model factors hold a value beyond 1e12");
  if (!rerank_facts.empty() && !has_rerank_facts())
    throw InvalidArgument("model re-ranker facts do not match its games");
  for (float f : rerank_facts)
    if (!usable(f)) throw InvalidArgument("model re-ranker facts hold a value that is not finite or beyond 1e12");
  if (!reranker.empty() && !reranker.well_formed())
    throw InvalidArgument("model re-ranker weights are not " +
                          std::to_string(reranker.shape != nullptr ? reranker.shape->stored_numbers() : 0) +
                          " numbers within 1e12 with scales of at least 1e-6");
  if (rerank_candidates < 0 || rerank_candidates > kRerankCandidatesAtMost ||
      (rerank_candidates > 0 && (reranker.empty() || !has_rerank_facts())))
    throw InvalidArgument("model re-orders " + std::to_string(rerank_candidates) +
                          " candidates without a re-ranker and its facts, or beyond " +
                          std::to_string(kRerankCandidatesAtMost));
}

std::size_t GameModel::memory_bytes() const {
  auto rows_bytes = [](const SparseRows& r) {
    return r.offset.size() * sizeof(std::int64_t) + r.index.size() * sizeof(std::int32_t) +
           r.value.size() * sizeof(float);
  };
  std::size_t bytes = appids.size() * sizeof(std::int32_t) + popularity.size() * sizeof(float);
  bytes += rows_bytes(neighbors) + rows_bytes(tags) + rows_bytes(content_neighbors);
  bytes += static_cast<std::size_t>(factors.size()) * sizeof(float);
  for (const std::string& name : tag_names) bytes += sizeof(std::string) + name.capacity();
  bytes +=
      rerank_facts.size() * sizeof(float) +
      static_cast<std::size_t>(reranker.mean.size() + reranker.scale.size() + reranker.weights.size()) * sizeof(float);
  return bytes;
}

}  // namespace steam_rec::rec
