// Counting what a training will read, before reading it, so that train() and
// evaluate() can refuse one over steam_rec.training_memory_limit first.
#pragma once

#include "core/train_params.hpp"
#include "pg/postgres.hpp"

namespace steam_rec::pg {

// Upper bounds of the players (rows of users), games (distinct appids of
// user_games), interactions (rows of user_games) and tag entries (rows of
// game_tags) a training reads.  Call inside SPI.
rec::DataSize count_training_data();

// The players (rows of users) alone, for train(), which counts the owned
// games and the tag entries while it reads them.  Call inside SPI.
rec::DataSize count_players();

}  // namespace steam_rec::pg
