// steam_rec.model_rerankers (SQL 1.7): a stored model's re-ranker, one row
// per model trained with rerank_candidates above 0.
//
// The table follows model_games' rights: train() writes a model's row and
// serving reads it with the rights of the table's owner, for a caller who
// may insert into (train) or has just read (serving) model_games.  A role
// granted what it needs for model_games before 1.7 keeps training and
// serving after the update, with no grant on a table it has never heard of;
// the row is a part of the model as its model_games rows are.
#pragma once

#include "core/game_model.hpp"
#include "pg/postgres.hpp"

namespace steam_rec::pg {

// Whether the installed SQL has the table (1.7 on).
bool model_rerankers_stored();

// Whether the active snapshot sees the table as the catalog does: false
// when it was created, or its catalog row last changed (a GRANT, an ALTER),
// by a transaction the snapshot does not see.  A statement that began
// before the update to 1.7 committed cannot see the rows the update put
// back, while the catalog already names the table: it must not build the
// image every backend shares under the new table's key.
bool model_rerankers_in_snapshot();

// Raises 22023 (the installed SQL has no table for it, with the update that
// adds it: a value that SQL does not take, which 1.6's check of maintain()'s
// settings reports as it reports any other) or 0A000 (a Citus cluster, whose
// model tables are reference tables this one is not) for rerank_candidates
// above 0; `caller` names the function in the message.
void refuse_unstorable_rerank(int32 rerank_candidates, const char* caller);

// Writes model `id`'s re-ranker, if it has one.  Call inside SPI after its
// model_games rows, with no C++ object on the stack.
void store_model_reranker(int64 id, const rec::GameModel& model);

// Model `id`'s stored re-ranker, as the arrays of its row (valid until the
// SPI session's next statement); found false when the table holds none, the
// installed SQL has no table, or on a Citus cluster.  Raises XX001 (data
// corrupted) for a row whose columns are not real[] without NULLs.  Call
// inside SPI after the caller read the model's model_games rows.
struct StoredReranker {
  bool found = false;
  const float* fitted = nullptr;
  int32 fitted_count = 0;
  const float* facts = nullptr;
  int32 fact_count = 0;
};
StoredReranker read_model_reranker(int64 id);

}  // namespace steam_rec::pg
