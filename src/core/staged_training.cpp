#include "core/staged_training.hpp"

#include "core/algorithm_registry.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {

bool StagedTraining::applies(const TrainParams& params) noexcept {
  // A re-ranker is fitted by train() around the whole training.
  return params.algorithm != nullptr && params.algorithm->staged_rows != nullptr && params.rerank_candidates == 0;
}

void StagedTraining::begin(const TrainingSet& data, const TrainParams& params) {
  model_ = train_shared_parts(data, params);
  inputs_ = params.algorithm->staged_rows(data, params, model_);
  content_neighbors_ = inputs_->content_neighbors;
  const StagedRows* inputs = inputs_.get();
  rows_.start(data.games(), inputs->rows_per_chunk, [inputs](std::int32_t i, RowScratch& s) {
    inputs->fill(i, s);
    // The product scale_columns() takes of the finished matrix, entry by entry.
    if (!inputs->column_factors.empty())
      for (Scored& c : s.candidates)
        c.score = static_cast<float>(c.score * inputs->column_factors[static_cast<std::size_t>(c.index)]);
  });
}

void StagedTraining::finish(CancelCheck& cancel) {
  SparseRows rows = rows_.finish(cancel);
  if (content_neighbors_) {
    model_.content_neighbors = std::move(rows);
  } else {
    model_.neighbors = std::move(rows);
  }
  inputs_.reset();
}

}  // namespace steam_rec::rec
