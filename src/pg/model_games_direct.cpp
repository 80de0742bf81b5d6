#include "pg/model_games_direct.hpp"

#include <cstring>

#include "pg/direct_read.hpp"
#include "pg/model_games_table.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/rel.h"
#include "utils/rls.h"
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

struct ModelGamesDirect {
  Relation table;
  EState* estate;
  ResultRelInfo* result;
  BulkInsertState bulk;
  CommandId command;
  TupleTableSlot* slots[kRowsPerBulkInsert];
  int attribute[kColumns];  // 0-based attribute of each column
  MemoryContext rows;       // the values of one bulk insert
};

namespace {

// Whether the table holds only the model's columns, each once, and which
// attribute each is; false when a column is missing or another one (whose
// default or generated value only the executor computes) is there.
bool map_columns(TupleDesc descriptor, int* attribute) {
  for (int c = 0; c < kColumns; ++c) attribute[c] = -1;
  for (int a = 0; a < descriptor->natts; ++a) {
    Form_pg_attribute column = TupleDescAttr(descriptor, a);
    if (column->attisdropped) continue;
    int found = -1;
    if (strcmp(NameStr(column->attname), "model_id") == 0) found = kModelId;
    for (int c = 0; c < kModelId && found < 0; ++c)
      if (strcmp(NameStr(column->attname), kModelGamesColumns[c]) == 0) found = c;
    if (found < 0 || attribute[found] >= 0) return false;
    attribute[found] = a;
  }
  for (int c = 0; c < kColumns; ++c)
    if (attribute[c] < 0) return false;
  return true;
}

// Why a row written straight into `table` might not be what an INSERT
// through SQL by the current user would write, with the same checks (see the
// header); null when it is.
const char* differs_from_insert(Relation table, int* attribute) {
  if (table->rd_rel->relkind != RELKIND_RELATION || table->rd_rel->relispartition) return "not a plain table";
  if (table->trigdesc != nullptr) return "it has triggers";
  if (pg_class_aclcheck(RelationGetRelid(table), GetUserId(), ACL_INSERT) != ACLCHECK_OK)
    return "INSERT is not granted on it";
  if (check_enable_rls(RelationGetRelid(table), InvalidOid, true) == RLS_ENABLED) return "row-level security applies";
  TupleDesc descriptor = RelationGetDescr(table);
  if (descriptor->constr != nullptr && descriptor->constr->has_generated_stored) return "it has generated columns";
  if (!map_columns(descriptor, attribute)) return "its columns are not the model's";
  // A deferred unique check would need the executor's queued recheck.
  List* indexes = RelationGetIndexList(table);
  bool immediate = true;
  ListCell* cell;
  foreach (cell, indexes) {
    Relation index = index_open(lfirst_oid(cell), AccessShareLock);
    if (!index->rd_index->indimmediate) immediate = false;
    index_close(index, AccessShareLock);
  }
  list_free(indexes);
  return immediate ? nullptr : "it has a deferrable unique index";
}

// Game g's row of `matrix`, as arrays of its appids and its values; empty
// arrays when the model has no such part.
void row_arrays(const rec::GameModel& model, const GameRowsOf& matrix, int g, Datum* appids, Datum* values) {
  const rec::SparseRows& rows = matrix.rows;
  const bool present = rows.rows() == matrix.whole;
  const int64 begin = present ? rows.offset[g - matrix.row0] : 0;
  const int64 count = present ? rows.offset[g - matrix.row0 + 1] - begin : 0;
  int32* ids = static_cast<int32*>(palloc(sizeof(int32) * (count + 1)));
  for (int64 p = 0; p < count; ++p) ids[p] = model.appids[rows.index[begin + p]];
  *appids = int4_array(ids, static_cast<int>(count));
  *values = float4_array(present ? rows.value.data() + begin : nullptr, count);
}

// The tuple of game `g` into `slot`, its values allocated in the current
// memory context.
void fill_row(const ModelGamesDirect* writer, TupleTableSlot* slot, int64 id, const rec::GameModel& model,
              const GameRowsOf& neighbors, const GameRowsOf& content_neighbors, int g) {
  ExecClearTuple(slot);
  Datum* values = slot->tts_values;
  bool* nulls = slot->tts_isnull;
  for (int a = 0; a < slot->tts_tupleDescriptor->natts; ++a) {
    values[a] = 0;
    nulls[a] = true;  // dropped columns
  }
  auto set = [&](Column column, Datum value) {
    values[writer->attribute[column]] = value;
    nulls[writer->attribute[column]] = false;
  };
  set(kModelId, Int64GetDatum(id));
  set(kAppid, Int32GetDatum(model.appids[g]));
  set(kPopularity, Float4GetDatum(model.popularity[g]));
  Datum appids, weights;
  row_arrays(model, neighbors, g, &appids, &weights);
  set(kNeighbors, appids);
  set(kWeights, weights);
  row_arrays(model, content_neighbors, g, &appids, &weights);
  set(kContentNeighbors, appids);
  set(kContentWeights, weights);
  if (model.has_factors()) {
    const int factor_count = static_cast<int>(model.factors.cols());
    float* factors = static_cast<float*>(palloc(sizeof(float) * factor_count));
    for (int f = 0; f < factor_count; ++f) factors[f] = model.factors(g, f);
    set(kFactors, float4_array(factors, factor_count));
  }
  const rec::SparseRows& tags = model.tags;
  const bool has_tags = tags.rows() == model.games();
  const int64 tag_begin = has_tags ? tags.offset[g] : 0;
  const int64 tag_count = has_tags ? tags.offset[g + 1] - tag_begin : 0;
  set(kTags, int4_array(has_tags ? tags.index.data() + tag_begin : nullptr, static_cast<int>(tag_count)));
  set(kTagWeights, float4_array(has_tags ? tags.value.data() + tag_begin : nullptr, tag_count));
  ExecStoreVirtualTuple(slot);
}

// Inserts the batch's `count` rows, already checked, and their index entries.
void insert_batch(ModelGamesDirect* writer, int count) {
  table_multi_insert(writer->table, writer->slots, count, writer->command, 0, writer->bulk);
  for (int i = 0; i < count; ++i) {
    List* recheck = NIL;
    if (writer->result->ri_NumIndices > 0)
      recheck = ExecInsertIndexTuples(writer->result, writer->slots[i], writer->estate, false, false, nullptr, NIL);
    ResetPerTupleExprContext(writer->estate);
    // Only deferred unique checks ask for a recheck, and begin() refused them.
    if (recheck != NIL) elog(ERROR, "steam_rec: model_games has a deferred index check");
    ExecClearTuple(writer->slots[i]);
  }
}

}  // namespace

ModelGamesDirect* model_games_direct_begin() {
  if (citus_installed()) {
    // Its tables keep their rows in shards, which only SQL reaches.
    ereport(DEBUG1, (errmsg("steam_rec: model_games is written through SQL: Citus is installed")));
    return nullptr;
  }
  Oid relation = steam_rec_relation("model_games");
  if (!OidIsValid(relation)) elog(ERROR, "steam_rec: the table steam_rec.model_games is missing");
  Relation table = table_open(relation, RowExclusiveLock);
  auto* writer = static_cast<ModelGamesDirect*>(palloc0(sizeof(ModelGamesDirect)));
  if (const char* reason = differs_from_insert(table, writer->attribute)) {
    ereport(DEBUG1, (errmsg("steam_rec: model_games is written through SQL: %s", reason)));
    table_close(table, NoLock);  // the lock stays to the transaction's end, as INSERT's would
    pfree(writer);
    return nullptr;
  }
  ereport(DEBUG1, (errmsg("steam_rec: model_games is written directly")));
  writer->table = table;
  writer->estate = CreateExecutorState();
  writer->result = makeNode(ResultRelInfo);
  InitResultRelInfo(writer->result, table, 0, nullptr, 0);
  ExecOpenIndices(writer->result, false);
  writer->bulk = GetBulkInsertState();
  for (TupleTableSlot*& slot : writer->slots) slot = table_slot_create(table, nullptr);
  writer->rows = AllocSetContextCreate(CurrentMemoryContext, "steam_rec model_games rows", ALLOCSET_DEFAULT_SIZES);
  return writer;
}

void model_games_direct_write(ModelGamesDirect* writer, int64 id, const rec::GameModel& model,
                              const GameRowsOf& neighbors, const GameRowsOf& content_neighbors, int first, int last) {
  const bool check_constraints = RelationGetDescr(writer->table)->constr != nullptr;
  writer->command = GetCurrentCommandId(true);
  int count = 0;
  for (int g = first; g < last; ++g) {
    CHECK_FOR_INTERRUPTS();
    MemoryContext caller = MemoryContextSwitchTo(writer->rows);
    TupleTableSlot* slot = writer->slots[count];
    fill_row(writer, slot, id, model, neighbors, content_neighbors, g);
    MemoryContextSwitchTo(caller);
    if (check_constraints) ExecConstraints(writer->result, slot, writer->estate);
    ResetPerTupleExprContext(writer->estate);
    if (++count == kRowsPerBulkInsert) {
      insert_batch(writer, count);
      count = 0;
      MemoryContextReset(writer->rows);
    }
  }
  if (count > 0) insert_batch(writer, count);
  MemoryContextReset(writer->rows);
  // Later statements of this transaction (activation, the model cache) see the rows.
  CommandCounterIncrement();
}

void model_games_direct_end(ModelGamesDirect* writer) {
  FreeBulkInsertState(writer->bulk);
  table_finish_bulk_insert(writer->table, 0);
  for (TupleTableSlot* slot : writer->slots) ExecDropSingleTupleTableSlot(slot);
  ExecCloseIndices(writer->result);
  FreeExecutorState(writer->estate);
  MemoryContextDelete(writer->rows);
  table_close(writer->table, NoLock);
  pfree(writer);
}

}  // namespace steam_rec::pg
