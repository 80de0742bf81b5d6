#include "pg/model_games_direct.hpp"

#include <cstring>

#include "pg/direct_insert.hpp"
#include "pg/direct_read.hpp"
#include "pg/model_games_table.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "access/table.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/rel.h"
}

namespace steam_rec::pg {

// Rows handed to the table in one bulk insert: the batch the caller writes
// (256 games while itemknn's rows are computed) fits in one.
constexpr int kRowsPerBulkInsert = 256;

// The columns, by position in kModelGamesColumns, plus model_id.
enum Column {
  kAppid,
  kPopularity,
  kNeighbors,
  kWeights,
  kContentNeighbors,
  kContentWeights,
  kFactors,
  kTags,
  kTagWeights,
  kModelId,
  kColumns
};

// The columns written, in the order of Column, with the types written.
constexpr DirectColumn kColumnTypes[kColumns] = {{kModelGamesColumns[kAppid], INT4OID},
                                                 {kModelGamesColumns[kPopularity], FLOAT4OID},
                                                 {kModelGamesColumns[kNeighbors], INT4ARRAYOID},
                                                 {kModelGamesColumns[kWeights], FLOAT4ARRAYOID},
                                                 {kModelGamesColumns[kContentNeighbors], INT4ARRAYOID},
                                                 {kModelGamesColumns[kContentWeights], FLOAT4ARRAYOID},
                                                 {kModelGamesColumns[kFactors], FLOAT4ARRAYOID},
                                                 {kModelGamesColumns[kTags], INT4ARRAYOID},
                                                 {kModelGamesColumns[kTagWeights], FLOAT4ARRAYOID},
                                                 {"model_id", INT8OID}};
constexpr DirectShape kModelGamesShape{kColumnTypes, kColumns, nullptr};

// Empty arrays of the two element types, built once per model and put in
// every row that has no such part (most rows of most models have no
// content neighbours, or no neighbours): the tuple copies them anyway.
struct EmptyArrays {
  Datum int4;
  Datum float4;
};

struct ModelGamesDirect {
  Relation table;
  DirectInserter* inserter;
  EmptyArrays empty;
};

namespace {

// Game g's row of `matrix`, as arrays of its appids and its values; empty
// arrays when the model has no such part.
void row_arrays(const rec::GameModel& model, const GameRowsOf& matrix, int g, const EmptyArrays& empty, Datum* appids,
                Datum* values) {
  const rec::SparseRows& rows = matrix.rows;
  const bool present = rows.rows() == matrix.whole;
  const int64 begin = present ? rows.offset[g - matrix.row0] : 0;
  const int64 count = present ? rows.offset[g - matrix.row0 + 1] - begin : 0;
  if (count == 0) {
    *appids = empty.int4;
    *values = empty.float4;
    return;
  }
  int32* ids = static_cast<int32*>(palloc(sizeof(int32) * (count + 1)));
  for (int64 p = 0; p < count; ++p) ids[p] = model.appids[rows.index[begin + p]];
  *appids = int4_array(ids, static_cast<int>(count));
  *values = float4_array(present ? rows.value.data() + begin : nullptr, count);
}

// Game g's row into `row`, its values allocated in the current memory context.
void fill_row(DirectRow row, int64 id, const rec::GameModel& model, const GameRowsOf& neighbors,
              const GameRowsOf& content_neighbors, const EmptyArrays& empty, int g) {
  Datum* values = row.values;
  values[kModelId] = Int64GetDatum(id);
  values[kAppid] = Int32GetDatum(model.appids[g]);
  values[kPopularity] = Float4GetDatum(model.popularity[g]);
  row_arrays(model, neighbors, g, empty, &values[kNeighbors], &values[kWeights]);
  row_arrays(model, content_neighbors, g, empty, &values[kContentNeighbors], &values[kContentWeights]);
  row.nulls[kFactors] = !model.has_factors();
  if (model.has_factors()) {
    const int factor_count = static_cast<int>(model.factors.cols());
    float* factors = static_cast<float*>(palloc(sizeof(float) * factor_count));
    for (int f = 0; f < factor_count; ++f) factors[f] = model.factors(g, f);
    values[kFactors] = float4_array(factors, factor_count);
  }
  const rec::SparseRows& tags = model.tags;
  const bool has_tags = tags.rows() == model.games();
  const int64 tag_begin = has_tags ? tags.offset[g] : 0;
  const int64 tag_count = has_tags ? tags.offset[g + 1] - tag_begin : 0;
  values[kTags] = tag_count == 0 ? empty.int4 : int4_array(tags.index.data() + tag_begin, static_cast<int>(tag_count));
  values[kTagWeights] = tag_count == 0 ? empty.float4 : float4_array(tags.value.data() + tag_begin, tag_count);
}

}  // namespace

ModelGamesDirect* model_games_direct_begin() {
  Oid relation = steam_rec_relation("model_games");
  if (!OidIsValid(relation)) elog(ERROR, "steam_rec: the table steam_rec.model_games is missing");
  Relation table = table_open(relation, RowExclusiveLock);
  AttrNumber attributes[kColumns];
  if (const char* reason = direct_insert_refusal(table, kModelGamesShape, attributes)) {
    ereport(DEBUG1, (errmsg("steam_rec: model_games is written through SQL: %s", reason)));
    table_close(table, NoLock);  // the lock stays to the transaction's end, as INSERT's would
    return nullptr;
  }
  ereport(DEBUG1, (errmsg("steam_rec: model_games is written directly")));
  auto* writer = static_cast<ModelGamesDirect*>(palloc0(sizeof(ModelGamesDirect)));
  writer->table = table;
  writer->inserter = direct_insert_begin(table, kModelGamesShape, kRowsPerBulkInsert);
  writer->empty = EmptyArrays{int4_array(nullptr, 0), float4_array(nullptr, 0)};
  return writer;
}

bool model_games_direct_write(ModelGamesDirect* writer, int64 id, const rec::GameModel& model,
                              const GameRowsOf& neighbors, const GameRowsOf& content_neighbors, int first, int last) {
  // Between two statements' rows nothing of this session's runs but the
  // training, yet a function the last batch ran may have changed the table.
  AttrNumber attributes[kColumns];
  if (const char* reason = direct_insert_refusal(writer->table, kModelGamesShape, attributes)) {
    ereport(DEBUG1, (errmsg("steam_rec: model_games is written through SQL from here: %s", reason)));
    return false;
  }
  for (int g = first; g < last; ++g) {
    MemoryContext caller = MemoryContextSwitchTo(direct_insert_row_memory(writer->inserter));
    fill_row(direct_insert_row(writer->inserter), id, model, neighbors, content_neighbors, writer->empty, g);
    MemoryContextSwitchTo(caller);
    direct_insert_add(writer->inserter);
  }
  // Later statements of this transaction (activation, the model cache) see the rows.
  direct_insert_flush(writer->inserter);
  return true;
}

void model_games_direct_end(ModelGamesDirect* writer) {
  direct_insert_end(writer->inserter);
  pfree(DatumGetPointer(writer->empty.int4));
  pfree(DatumGetPointer(writer->empty.float4));
  table_close(writer->table, NoLock);
  pfree(writer);
}

}  // namespace steam_rec::pg
