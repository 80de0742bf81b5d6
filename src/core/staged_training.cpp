#include "core/staged_training.hpp"

#include <cstring>

#include "core/algorithm_registry.hpp"
#include "core/target_factors.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {

bool StagedTraining::applies(const TrainParams& params) noexcept {
  return params.algorithm != nullptr && std::strcmp(params.algorithm->name, "itemknn") == 0;
}

void StagedTraining::begin(const TrainingSet& data, const TrainParams& params) {
  model_ = train_shared_parts(data, params);
  inputs_ = std::make_unique<ItemknnRows>(data, params);
  // What favour_played() does to the finished matrix, done row by row.
  if (params.play_share_exponent > 0) inputs_->column_factors = played_share_factors(data, params.play_share_exponent);
  const ItemknnRows* inputs = inputs_.get();
  rows_.start(data.games(), kItemknnRowsPerChunk, [inputs](std::int32_t i, RowScratch& s) { inputs->fill(i, s); });
}

void StagedTraining::finish(CancelCheck& cancel) {
  model_.neighbors = rows_.finish(cancel);
  inputs_.reset();
}

}  // namespace steam_rec::rec
