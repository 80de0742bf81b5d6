// Trains a model of any algorithm from a finished TrainingSet.
#pragma once

#include "core/cancel.hpp"
#include "core/game_model.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

GameModel train(const TrainingSet& data, const TrainParams& params, CancelCheck& cancel);

// Every model's parts (appids, popularity, tags, serving settings): what
// train() fills before the algorithm's own parts.
GameModel train_shared_parts(const TrainingSet& data, const TrainParams& params);

// Sets how a model of these parameters weighs, folds in and blends at serving
// time; train() calls it, and so does loading a stored model.
void apply_serving_settings(const TrainParams& params, GameModel& model);

// The data sizes training will see, for its memory estimate.
DataSize data_size(const TrainingSet& data);

}  // namespace steam_rec::rec
