// Writing a trained model to steam_rec.models / model_games / model_tags.
#pragma once

#include "core/game_model.hpp"
#include "core/train_params.hpp"
#include "pg/postgres.hpp"

namespace steam_rec::pg {

struct ModelFacts {
  const char* algorithm;
  const char* params_json;
  int32 players;
  int32 games;
  int64 interactions;
};

// Inserts the model (inactive, seconds 0) and returns its id.  Call inside
// SPI with no C++ object on the stack: it only reads the model.
int64 store_model(const rec::GameModel& model, const ModelFacts& facts);

// Records how long training took and makes the model the active one.
void finish_and_activate(int64 id, double seconds);

}  // namespace steam_rec::pg
