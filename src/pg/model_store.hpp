// Writing a trained model to steam_rec.models / model_games / model_tags.
#pragma once

#include "core/game_model.hpp"
#include "core/train_params.hpp"
#include "pg/postgres.hpp"

extern "C" {
#include "executor/spi.h"
}

namespace steam_rec::pg {

// Where user_games stood for a training: the largest id of the rows its
// snapshot saw (null for an empty table), for the model's governance row.
// Not read (read false) on Citus, or where the SQL has no model_governance
// (before 1.5): the row, if any, is then marked when it is stored.
struct UserGamesMark {
  bool read = false;
  bool is_null = true;
  int64 id = 0;
};

// Reads the mark under the active snapshot: call it in the one the training
// reads its rows in.
UserGamesMark read_user_games_mark();

struct ModelFacts {
  const char* algorithm;
  const char* params_json;
  int32 players;
  int32 games;
  int64 interactions;
  UserGamesMark mark;
};

// Locks steam_rec.models IN EXCLUSIVE MODE until the transaction ends, the
// lock activate_model() takes (SQL 1.5), so that activations happen one at a
// time; plain SELECTs, and so recommend(), still read the table.
void lock_models_for_activation();

// Inserts the model (inactive, seconds 0) and returns its id.  Call inside
// SPI with no C++ object on the stack: it only reads the model.
int64 store_model(const rec::GameModel& model, const ModelFacts& facts);

// Where a model's model_games rows go: straight into the table where that
// writes what INSERT would (model_games_direct.hpp), else through one SQL
// statement per range (planned once per model, except under Citus, which
// cannot plan the saved INSERT into its reference table: there each range is
// planned with its values).  Begin and end it inside one SPI session.
struct ModelGamesWriter;
ModelGamesWriter* begin_model_games_writer();
void end_model_games_writer(ModelGamesWriter* writer);

// Which of a model's game x game matrices the rows given to
// store_model_games() are (the other one is read from the model).
enum class StoredRows { neighbors, content_neighbors };

// store_model() in parts, for a model stored while its game x game rows are
// still being computed (train.cpp): the models row and model_tags, returning
// the id; then model_games rows [first, last), whose `part` is `rows`
// (last - first rows; any other number: none) and whose other columns come
// from `model`, written by `writer`.  The rows are the ones store_model()
// writes.
int64 store_model_head(const rec::GameModel& model, const ModelFacts& facts);
void store_model_games(ModelGamesWriter* writer, int64 id, const rec::GameModel& model, const rec::SparseRows& rows,
                       StoredRows part, int first, int last);

// Records how long training took and makes the model the active one.  Call
// after lock_models_for_activation(): its statements take new snapshots (in
// READ COMMITTED), so they see any activation that committed before the lock.
void finish_and_activate(int64 id, double seconds);

}  // namespace steam_rec::pg
