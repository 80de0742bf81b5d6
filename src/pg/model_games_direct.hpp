// Writing steam_rec.model_games rows straight into the table.
//
// Through SQL each stored game costs an executor pass that slices its arrays
// out of whole-model parameters; on two threads that store was itemknn's
// critical path.  Here each row's tuple is built from the model's arrays and
// the rows go in by the bulk insert COPY uses (direct_insert.hpp: one heap
// call per batch, then the index entries, the table's NOT NULL and CHECK
// constraints checked per row), only where that writes exactly what the
// INSERT would (direct_insert_refusal()).  Anywhere else
// model_games_direct_begin() returns null (a DEBUG1 message says why) and the
// caller writes through SQL.
#pragma once

#include "core/game_model.hpp"
#include "pg/postgres.hpp"

namespace steam_rec::pg {

struct ModelGamesDirect;

// Opens model_games for direct writing (RowExclusiveLock, as INSERT takes),
// or returns null where the direct path would not match SQL (see above).
ModelGamesDirect* model_games_direct_begin();

// A game x game matrix whose row 0 is game `row0` and which has `whole`
// rows when the model has this part; one of another size reads as empty rows.
struct GameRowsOf {
  const rec::SparseRows& rows;
  int row0;
  int whole;
};

// Writes model `id`'s rows for games [first, last): neighbours and content
// neighbours from those matrices, the other columns from `model`.  The rows
// are the ones the SQL path writes.  Returns false, writing nothing, when the
// table no longer takes rows directly (a function run by an earlier batch
// changed it): the caller ends the writer and writes through SQL.
bool model_games_direct_write(ModelGamesDirect* writer, int64 id, const rec::GameModel& model,
                              const GameRowsOf& neighbors, const GameRowsOf& content_neighbors, int first, int last);

// Finishes the bulk insert and closes the table.
void model_games_direct_end(ModelGamesDirect* writer);

}  // namespace steam_rec::pg
