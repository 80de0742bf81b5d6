#include "pg/direct_insert.hpp"

#include <cstring>

#include "pg/direct_read.hpp"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "rewrite/rewriteHandler.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"
}

namespace steam_rec::pg {
namespace {

// Whether attribute `a` (1-based) is one of the shape's columns.
bool filled_by_caller(const AttrNumber* attributes, int count, int a) {
  for (int c = 0; c < count; ++c)
    if (attributes[c] == a) return true;
  return false;
}

// The expression INSERT puts into column `a` when the statement names no
// value for it: its default, else a null coerced to its domain (whose NOT
// NULL or CHECK then applies, as the planner's null does); null when the
// column is simply left null.
Node* insert_default(Relation table, int a) {
  Node* expression = build_column_default(table, a);
  if (expression != nullptr) return expression;
  Form_pg_attribute column = TupleDescAttr(RelationGetDescr(table), a - 1);
  if (get_typtype(column->atttypid) != TYPTYPE_DOMAIN) return nullptr;
  Node* null = reinterpret_cast<Node*>(
      makeConst(column->atttypid, -1, column->attcollation, column->attlen, 0, true, column->attbyval));
  return coerce_to_domain(null, InvalidOid, -1, column->atttypid, COERCION_IMPLICIT, COERCE_IMPLICIT_CAST, -1, false);
}

// Why the table's columns do not take the shape's rows as INSERT would;
// null when they do.  A column the caller fills must have exactly the type
// it writes (SQL would convert another type, or check a domain's
// constraints); a column it does not fill gets its default per row, which
// must not be volatile: the rows of a batch are inserted together after all
// their defaults are computed, so a volatile default would see the table as
// it was before the batch, where INSERT's sees the rows before it (COPY
// refuses its batches there for the same reason).
const char* column_refusal(Relation table, const DirectShape& shape, AttrNumber* attributes) {
  TupleDesc descriptor = RelationGetDescr(table);
  for (int c = 0; c < shape.count; ++c) {
    attributes[c] = InvalidAttrNumber;
    for (int a = 0; a < descriptor->natts; ++a) {
      Form_pg_attribute column = TupleDescAttr(descriptor, a);
      if (!column->attisdropped && strcmp(NameStr(column->attname), shape.columns[c].name) == 0) {
        if (column->atttypid != shape.columns[c].type) return "a column has another type";
        attributes[c] = static_cast<AttrNumber>(a + 1);
      }
    }
    if (attributes[c] == InvalidAttrNumber) return "a column is missing";
  }
  for (int a = 1; a <= descriptor->natts; ++a) {
    if (TupleDescAttr(descriptor, a - 1)->attisdropped || filled_by_caller(attributes, shape.count, a)) continue;
    Node* expression = insert_default(table, a);
    if (expression != nullptr && contain_volatile_functions_not_nextval(expression))
      return "a column's default is volatile";
  }
  return nullptr;
}

// Whether every unique or exclusion index is checked at once: a deferred
// check would need the executor's queued recheck.
bool indexes_checked_at_once(Relation table) {
  List* indexes = RelationGetIndexList(table);
  bool immediate = true;
  ListCell* cell;
  foreach (cell, indexes) {
    Relation index = index_open(lfirst_oid(cell), AccessShareLock);
    immediate = immediate && index->rd_index->indimmediate;
    index_close(index, AccessShareLock);
  }
  list_free(indexes);
  return immediate;
}

}  // namespace

// The single rule of the direct path: only where nothing but the table's
// constraints and indexes acts on an insert.
const char* direct_insert_refusal(Relation table, const DirectShape& shape, AttrNumber* attributes) {
  // Citus keeps a distributed table's rows in shards, which only SQL reaches.
  if (citus_installed()) return "Citus is installed";
  if (table->rd_rel->relkind != RELKIND_RELATION || table->rd_rel->relispartition) return "it is not a plain table";
  if (table->rd_rel->relhasrules) return "it has rules";
  if (check_enable_rls(RelationGetRelid(table), InvalidOid, true) == RLS_ENABLED) return "row-level security applies";
  if (pg_class_aclcheck(RelationGetRelid(table), GetUserId(), ACL_INSERT) != ACLCHECK_OK)
    return "INSERT is not granted on it";
  const TupleConstr* constraints = RelationGetDescr(table)->constr;
  if (constraints != nullptr && constraints->has_generated_stored) return "it has generated columns";
  if (const char* reason = column_refusal(table, shape, attributes)) return reason;
  if (const TriggerDesc* triggers = table->trigdesc) {
    for (int i = 0; i < triggers->numtriggers; ++i)
      if (shape.redundant_trigger == nullptr || !shape.redundant_trigger(table, triggers->triggers[i], attributes))
        return "it has triggers";
  }
  if (!indexes_checked_at_once(table)) return "it has a deferrable unique index";
  return nullptr;
}

struct DirectInserter {
  Relation table;
  DirectShape shape;
  AttrNumber* attributes;  // of the shape's columns
  EState* estate;
  ResultRelInfo* result;
  BulkInsertState bulk;
  ExprState** defaults;  // per attribute; null where the caller fills it or it stays null
  TupleTableSlot** slots;
  TupleTableSlot* replacement;  // the row direct_insert_replace() writes; made on first use
  int batch_rows;
  int count;      // rows of the batch added so far
  DirectRow row;  // the next row's columns, by shape column
  MemoryContext rows;
};

namespace {

// Inserts the batch's rows, already checked, and their index entries.  The
// rule is not asked again here: like an INSERT statement, whose triggers and
// rules are fixed when it starts, a call's batches keep the answer its
// caller got (the callers ask once per statement's worth of rows), and the
// table stays open, so ALTER TABLE, CREATE INDEX and DROP INDEX from a
// function a batch runs fail as "in use".
void insert_batch(DirectInserter* inserter) {
  CHECK_FOR_INTERRUPTS();
  table_multi_insert(inserter->table, inserter->slots, inserter->count, GetCurrentCommandId(true), 0, inserter->bulk);
  for (int s = 0; s < inserter->count; ++s) {
    if (inserter->result->ri_NumIndices == 0) break;
    List* recheck =
        ExecInsertIndexTuples(inserter->result, inserter->slots[s], inserter->estate, false, false, nullptr, NIL);
    // Only deferred checks ask for a recheck, and the rule refused them.
    if (recheck != NIL) elog(ERROR, "steam_rec: a deferred index check on a directly written table");
  }
  for (int s = 0; s < inserter->count; ++s) ExecClearTuple(inserter->slots[s]);
  ResetPerTupleExprContext(inserter->estate);
  MemoryContextReset(inserter->rows);
  inserter->count = 0;
}

}  // namespace

DirectInserter* direct_insert_begin(Relation table, const DirectShape& shape, int batch_rows) {
  auto* inserter = static_cast<DirectInserter*>(palloc0(sizeof(DirectInserter)));
  inserter->table = table;
  inserter->shape = shape;
  inserter->attributes = static_cast<AttrNumber*>(palloc(sizeof(AttrNumber) * shape.count));
  if (const char* reason = direct_insert_refusal(table, shape, inserter->attributes))
    elog(ERROR, "steam_rec: table \"%s\" cannot be written directly: %s", RelationGetRelationName(table), reason);
  inserter->estate = CreateExecutorState();
  inserter->result = makeNode(ResultRelInfo);
  InitResultRelInfo(inserter->result, table, 0, nullptr, 0);
  ExecOpenIndices(inserter->result, false);
  inserter->bulk = GetBulkInsertState();

  // The columns the caller does not fill get what INSERT gives them,
  // evaluated per row (generated_at's now(), a user's column's default).
  TupleDesc descriptor = RelationGetDescr(table);
  inserter->defaults = static_cast<ExprState**>(palloc0(sizeof(ExprState*) * descriptor->natts));
  for (int a = 1; a <= descriptor->natts; ++a) {
    if (TupleDescAttr(descriptor, a - 1)->attisdropped || filled_by_caller(inserter->attributes, shape.count, a))
      continue;
    Node* expression = insert_default(table, a);
    if (expression != nullptr)
      inserter->defaults[a - 1] = ExecPrepareExpr(reinterpret_cast<Expr*>(expression), inserter->estate);
  }

  // The slots share one unpinned copy of the row type: a thousand pins of the
  // relation's own would fill the resource owner's table with one key, and
  // every pin after them (the unique checks' heap fetches take one per row)
  // would probe past them all.
  TupleDesc row_type = CreateTupleDescCopy(descriptor);
  inserter->batch_rows = batch_rows;
  inserter->slots = static_cast<TupleTableSlot**>(palloc(sizeof(TupleTableSlot*) * batch_rows));
  for (int s = 0; s < batch_rows; ++s)
    inserter->slots[s] = MakeSingleTupleTableSlot(row_type, table_slot_callbacks(table));
  inserter->row.values = static_cast<Datum*>(palloc0(sizeof(Datum) * shape.count));
  inserter->row.nulls = static_cast<bool*>(palloc0(sizeof(bool) * shape.count));
  inserter->rows = AllocSetContextCreate(CurrentMemoryContext, "steam_rec direct insert rows", ALLOCSET_DEFAULT_SIZES);
  return inserter;
}

MemoryContext direct_insert_row_memory(DirectInserter* inserter) { return inserter->rows; }

DirectRow direct_insert_row(DirectInserter* inserter) { return inserter->row; }

namespace {

// Stores the next row in `slot`: the caller's values, the other columns'
// defaults, with the table's constraints checked.
void build_row(DirectInserter* inserter, TupleTableSlot* slot) {
  ExecClearTuple(slot);
  ExprContext* per_row = GetPerTupleExprContext(inserter->estate);
  const int width = slot->tts_tupleDescriptor->natts;
  for (int a = 0; a < width; ++a) {
    slot->tts_values[a] = 0;
    slot->tts_isnull[a] = true;
    if (inserter->defaults[a] != nullptr)
      slot->tts_values[a] = ExecEvalExprSwitchContext(inserter->defaults[a], per_row, &slot->tts_isnull[a]);
  }
  for (int c = 0; c < inserter->shape.count; ++c) {
    slot->tts_values[inserter->attributes[c] - 1] = inserter->row.values[c];
    slot->tts_isnull[inserter->attributes[c] - 1] = inserter->row.nulls[c];
    inserter->row.nulls[c] = false;
  }
  ExecStoreVirtualTuple(slot);
  if (RelationGetDescr(inserter->table)->constr != nullptr) ExecConstraints(inserter->result, slot, inserter->estate);
}

}  // namespace

void direct_insert_add(DirectInserter* inserter) {
  build_row(inserter, inserter->slots[inserter->count]);
  if (++inserter->count == inserter->batch_rows) insert_batch(inserter);
}

bool direct_insert_replace(DirectInserter* inserter, ItemPointer old_row, Snapshot snapshot) {
  CHECK_FOR_INTERRUPTS();
  if (inserter->replacement == nullptr)
    inserter->replacement =
        MakeSingleTupleTableSlot(inserter->slots[0]->tts_tupleDescriptor, table_slot_callbacks(inserter->table));
  TupleTableSlot* slot = inserter->replacement;
  build_row(inserter, slot);
  TM_FailureData failure;
  LockTupleMode lock_mode;
  bool update_indexes = false;
  const TM_Result result = table_tuple_update(inserter->table, old_row, slot, GetCurrentCommandId(true), snapshot,
                                              InvalidSnapshot, true, &failure, &lock_mode, &update_indexes);
  if (result == TM_Ok && update_indexes && inserter->result->ri_NumIndices > 0) {
    List* recheck = ExecInsertIndexTuples(inserter->result, slot, inserter->estate, true, false, nullptr, NIL);
    if (recheck != NIL) elog(ERROR, "steam_rec: a deferred index check on a directly written table");
  }
  ExecClearTuple(slot);
  ResetPerTupleExprContext(inserter->estate);
  return result == TM_Ok;
}

bool direct_insert_delete(DirectInserter* inserter, ItemPointer old_row, Snapshot snapshot) {
  CHECK_FOR_INTERRUPTS();
  TM_FailureData failure;
  return table_tuple_delete(inserter->table, old_row, GetCurrentCommandId(true), snapshot, InvalidSnapshot, true,
                            &failure, false) == TM_Ok;
}

void direct_insert_flush(DirectInserter* inserter) {
  if (inserter->count > 0) insert_batch(inserter);
  // Later commands of this transaction (the next batch, the caller's) see the rows.
  CommandCounterIncrement();
}

void direct_insert_end(DirectInserter* inserter) {
  direct_insert_flush(inserter);
  FreeBulkInsertState(inserter->bulk);
  table_finish_bulk_insert(inserter->table, 0);
  for (int s = 0; s < inserter->batch_rows; ++s) ExecDropSingleTupleTableSlot(inserter->slots[s]);
  if (inserter->replacement != nullptr) ExecDropSingleTupleTableSlot(inserter->replacement);
  ExecCloseIndices(inserter->result);
  FreeExecutorState(inserter->estate);
  MemoryContextDelete(inserter->rows);
  pfree(inserter->row.values);
  pfree(inserter->row.nulls);
  pfree(inserter->defaults);
  pfree(inserter->attributes);
  pfree(inserter);
}

}  // namespace steam_rec::pg
