#include "core/model_assembler.hpp"

#include <algorithm>

#include "core/errors.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {
namespace {

void append(SparseRows& rows, std::vector<std::int32_t>& appids, const StoredNeighbors& stored) {
  appids.insert(appids.end(), stored.appids, stored.appids + stored.count);
  rows.value.insert(rows.value.end(), stored.weights, stored.weights + stored.count);
  rows.offset.push_back(static_cast<std::int64_t>(appids.size()));
}

void reserve_rows(SparseRows& rows, std::vector<std::int32_t>& appids, std::int64_t games, std::int64_t nonzeros) {
  rows.offset.reserve(static_cast<std::size_t>(games) + 1);
  appids.reserve(static_cast<std::size_t>(nonzeros));
  rows.value.reserve(static_cast<std::size_t>(nonzeros));
}

// Appids to game numbers.  Appid order is game-number order, so each row stays ascending.
void number(SparseRows& rows, const std::vector<std::int32_t>& appids, const GameModel& model, CancelCheck& cancel) {
  rows.index.clear();
  rows.index.reserve(appids.size());  // not resized: zero-filling tens of MB at once is a stretch with no poll
  for (const std::int32_t appid : appids) {
    cancel.poll(1u << 16);
    const std::int32_t game = model.game_index(appid);
    if (game < 0) throw InvalidArgument("a stored neighbour is not a game of the model");
    rows.index.push_back(game);
  }
}

}  // namespace

void ModelAssembler::reserve(const StoredCapacity& capacity) {
  const auto games = static_cast<std::size_t>(capacity.games);
  model_.appids.reserve(games);
  model_.popularity.reserve(games);
  reserve_rows(model_.neighbors, neighbor_appids_, capacity.games, capacity.neighbors);
  reserve_rows(model_.content_neighbors, content_neighbor_appids_, capacity.games, capacity.content_neighbors);
  factors_.reserve(static_cast<std::size_t>(capacity.factors));
  model_.tags.offset.reserve(games + 1);
  model_.tags.index.reserve(static_cast<std::size_t>(capacity.tags));
  model_.tags.value.reserve(static_cast<std::size_t>(capacity.tags));
}

void ModelAssembler::add_game(const StoredGame& game) {
  if (!model_.appids.empty() && game.appid <= model_.appids.back())
    throw InvalidArgument("stored model games are not in ascending appid order");
  if (factor_count_ >= 0 && game.factor_count != factor_count_)
    throw InvalidArgument("stored model games have different numbers of factors");
  factor_count_ = game.factor_count;
  model_.appids.push_back(game.appid);
  model_.popularity.push_back(game.popularity);
  append(model_.neighbors, neighbor_appids_, game.neighbors);
  append(model_.content_neighbors, content_neighbor_appids_, game.content_neighbors);
  factors_.insert(factors_.end(), game.factors, game.factors + game.factor_count);
  model_.tags.index.insert(model_.tags.index.end(), game.tags, game.tags + game.tag_count);
  model_.tags.value.insert(model_.tags.value.end(), game.tag_weights, game.tag_weights + game.tag_count);
  model_.tags.offset.push_back(model_.tags.nonzeros());
}

void ModelAssembler::set_reranker(const float* fitted, std::int32_t fitted_count, const float* facts,
                                  std::int64_t fact_count) {
  if (rerank_shape_of(fitted_count) == nullptr)
    throw InvalidArgument("a stored re-ranker has " + std::to_string(fitted_count) + " fitted numbers, not " +
                          std::to_string(kRerankShape.stored_numbers()) + " (or " +
                          std::to_string(kFirstRerankShape.stored_numbers()) + ", its first shape)");
  model_.reranker = Reranker::from_stored(fitted, fitted_count);
  model_.rerank_facts.assign(facts, facts + fact_count);
  has_reranker_ = true;
}

GameModel ModelAssembler::finish(const TrainParams& params, CancelCheck& cancel) {
  GameModel model = std::move(model_);
  model.tag_names = std::move(tag_names_);
  number(model.neighbors, neighbor_appids_, model, cancel);
  number(model.content_neighbors, content_neighbor_appids_, model, cancel);
  if (factor_count_ > 0) {
    // The stored rows into column-major factors: a transposing copy, in blocks
    // of games with a cancel poll between them (0.6 s at 33,000 x 512).
    const Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> stored(
        factors_.data(), model.games(), factor_count_);
    model.factors.resize(stored.rows(), stored.cols());
    constexpr Eigen::Index kGamesPerBlock = 1024;
    for (Eigen::Index first = 0; first < stored.rows(); first += kGamesPerBlock) {
      cancel.poll_now();
      const Eigen::Index rows = std::min(kGamesPerBlock, stored.rows() - first);
      model.factors.middleRows(first, rows) = stored.middleRows(first, rows);
    }
  }
  apply_serving_settings(params, model);
  if (has_reranker_) model.rerank_candidates = params.rerank_candidates;
  model.validate();
  return model;
}

}  // namespace steam_rec::rec
