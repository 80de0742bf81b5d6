// Trains a model of any algorithm from a finished TrainingSet.
#pragma once

#include "core/cancel.hpp"
#include "core/game_model.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

GameModel train(const TrainingSet& data, const TrainParams& params, CancelCheck& cancel);

// The data sizes training will see, for its memory estimate.
DataSize data_size(const TrainingSet& data);

}  // namespace steam_rec::rec
