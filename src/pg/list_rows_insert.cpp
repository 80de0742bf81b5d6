#include "pg/list_rows_insert.hpp"

#include <algorithm>

#include "pg/direct_read.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "rewrite/rewriteHandler.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/rls.h"
}

namespace steam_rec::pg {
namespace {

// Rows handed to the table access method at a time (as COPY does).
constexpr int kRowsPerMultiInsert = 1000;

// The columns a refresh writes, with the types it writes them as.
struct ListColumn {
  const char* name;
  Oid type;
};
constexpr ListColumn kListColumns[] = {
    {"user_steam_id", INT8OID}, {"appid", INT4OID}, {"rank", INT4OID}, {"score", FLOAT4OID}, {"algorithm", TEXTOID}};
constexpr int kListColumnCount = sizeof(kListColumns) / sizeof(kListColumns[0]);

// The attribute number of the live column `name` of `relation` whose type is
// `type`, or 0 when there is none.
AttrNumber column_of_type(Relation relation, const char* name, Oid type) {
  TupleDesc descriptor = RelationGetDescr(relation);
  for (int i = 0; i < descriptor->natts; ++i) {
    Form_pg_attribute attribute = TupleDescAttr(descriptor, i);
    if (!attribute->attisdropped && strcmp(NameStr(attribute->attname), name) == 0)
      return attribute->atttypid == type ? static_cast<AttrNumber>(i + 1) : 0;
  }
  return 0;
}

// Finds the attribute numbers of the list columns; false when one is missing
// or has another type (an altered table: SQL converts, this path would not).
bool list_columns(Relation relation, AttrNumber* columns) {
  for (int c = 0; c < kListColumnCount; ++c) {
    columns[c] = column_of_type(relation, kListColumns[c].name, kListColumns[c].type);
    if (columns[c] == 0) return false;
  }
  return true;
}

// Whether `constraint` is a foreign key from recommendations.user_steam_id
// alone to users.steam_id: the key the batch's row locks hold in place.
bool is_player_foreign_key(Relation recommendations, Oid constraint, AttrNumber player_column) {
  const Oid users = get_relname_relid("users", RelationGetNamespace(recommendations));
  if (!OidIsValid(users)) return false;
  const AttrNumber steam_id = get_attnum(users, "steam_id");
  ListCell* cell;
  foreach (cell, RelationGetFKeyList(recommendations)) {
    auto* key = static_cast<ForeignKeyCacheInfo*>(lfirst(cell));
    if (key->conoid == constraint)
      return key->confrelid == users && key->nkeys == 1 && key->conkey[0] == player_column &&
             key->confkey[0] == steam_id && steam_id != InvalidAttrNumber;
  }
  return false;
}

// Whether every trigger on the table is the player foreign key's own check on
// this side (RI_FKey_check_ins / _upd).  Any other trigger, a user's or a
// constraint's (a deferrable unique key's recheck, another foreign key's
// actions on delete), could act on the insert or on the batch's DELETE, so it
// sends the refresh through SQL, which fires it.
bool only_player_key_checks(Relation recommendations, AttrNumber player_column) {
  const TriggerDesc* triggers = recommendations->trigdesc;
  if (triggers == nullptr) return true;
  for (int i = 0; i < triggers->numtriggers; ++i) {
    const Trigger& trigger = triggers->triggers[i];
    if (!trigger.tgisinternal || RI_FKey_trigger_type(trigger.tgfoid) != RI_TRIGGER_FK ||
        !is_player_foreign_key(recommendations, trigger.tgconstraint, player_column))
      return false;
  }
  return true;
}

}  // namespace

// The direct insert skips the executor and with it what the executor would
// apply beyond constraints and indexes, so it is taken only where there is
// nothing of that:
//  - not on Citus, whose recommendations rows live in shards on the workers
//    (the table of that name stays empty), reached only through SQL;
//  - not in REPEATABLE READ or SERIALIZABLE, where a list another refresh
//    committed after the snapshot must fail as a serialization error (the
//    SQL INSERT's ON CONFLICT DO NOTHING), not as a duplicate key, and where
//    SSI wants the executor's predicate locks;
//  - a plain table with no rule, no row-level security for this user, table
//    INSERT privilege, the list columns with their own types and no stored
//    generated column;
//  - no trigger but the player foreign key's check, which the batch's lock
//    makes redundant (see insert_lists_directly()).
// It decides once per refresh.  The ROW EXCLUSIVE lock it takes is held to
// the end of the transaction, and CREATE TRIGGER, CREATE RULE, CREATE POLICY
// and ALTER TABLE all wait for it, so the answer holds for every batch.
// (Privileges are read once too, where each INSERT statement would read
// them again: a REVOKE during a refresh takes effect at its next call.)
Oid lists_directly_insertable() {
  if (citus_installed() || IsolationUsesXactSnapshot()) return InvalidOid;
  RangeVar* name = makeRangeVar(const_cast<char*>("steam_rec"), const_cast<char*>("recommendations"), -1);
  const Oid table = RangeVarGetRelidExtended(name, RowExclusiveLock, RVR_MISSING_OK, nullptr, nullptr);
  if (!OidIsValid(table)) return InvalidOid;
  if (pg_class_aclcheck(table, GetUserId(), ACL_INSERT) != ACLCHECK_OK) return InvalidOid;
  if (check_enable_rls(table, InvalidOid, true) == RLS_ENABLED) return InvalidOid;
  Relation relation = table_open(table, NoLock);
  AttrNumber columns[kListColumnCount];
  const TupleConstr* constraints = RelationGetDescr(relation)->constr;
  const bool direct = relation->rd_rel->relkind == RELKIND_RELATION && !relation->rd_rel->relhasrules &&
                      (constraints == nullptr || !constraints->has_generated_stored) &&
                      list_columns(relation, columns) && only_player_key_checks(relation, columns[0]);
  table_close(relation, NoLock);
  return direct ? table : InvalidOid;
}

// Why skipping the foreign key's check is safe: every row is of a player
// whose users row this transaction locked FOR NO KEY UPDATE in this batch and
// holds to its end.  That lock conflicts with the lock a DELETE or a key
// UPDATE of the row takes, so no other transaction can remove the key before
// this one ends (it waits, and then its ON DELETE CASCADE, or the key
// update's NO ACTION check, meets these rows as it would meet rows the
// statement inserted).  This transaction itself runs nothing between the
// lock and the insert but the batch's DELETE of recommendations, which
// fires no trigger and no rule here (lists_directly_insertable()).  The
// check per row would find what the lock already holds.
uint64 insert_lists_directly(Oid recommendations, const ListRows& lists, const char* algorithm) {
  if (lists.rows == 0) return 0;
  Relation relation = table_open(recommendations, RowExclusiveLock);
  TupleDesc descriptor = RelationGetDescr(relation);
  AttrNumber columns[kListColumnCount];
  if (!list_columns(relation, columns)) elog(ERROR, "steam_rec: recommendations changed during the refresh");
  EState* estate = CreateExecutorState();
  ResultRelInfo* result = makeNode(ResultRelInfo);
  InitResultRelInfo(result, relation, 0, nullptr, 0);
  ExecOpenIndices(result, false);

  // The other columns get their defaults (generated_at's now(), and any a
  // user added), evaluated per row as INSERT does.
  const int width = descriptor->natts;
  auto** defaults = static_cast<ExprState**>(palloc0(sizeof(ExprState*) * width));
  for (int i = 0; i < width; ++i) {
    bool written = false;
    for (AttrNumber column : columns) written = written || column == i + 1;
    if (written || TupleDescAttr(descriptor, i)->attisdropped) continue;
    // A generated column's expression reads the row, which a default cannot;
    // lists_directly_insertable() sends such a table through SQL.
    if (TupleDescAttr(descriptor, i)->attgenerated != '\0')
      elog(ERROR, "steam_rec: recommendations changed during the refresh");
    Node* expression = build_column_default(relation, i + 1);
    if (expression != nullptr) defaults[i] = ExecPrepareExpr(reinterpret_cast<Expr*>(expression), estate);
  }

  const Datum algorithm_text = CStringGetTextDatum(algorithm);
  const int slot_count = Min(kRowsPerMultiInsert, lists.rows);
  auto** slots = static_cast<TupleTableSlot**>(palloc(sizeof(TupleTableSlot*) * slot_count));
  // The slots share one unpinned copy of the row type: a thousand pins of the
  // relation's own would fill the resource owner's table with one key, and
  // every pin after them (the unique checks' heap fetches take one per row)
  // would probe past them all.
  TupleDesc row_type = CreateTupleDescCopy(descriptor);
  for (int s = 0; s < slot_count; ++s) slots[s] = MakeSingleTupleTableSlot(row_type, table_slot_callbacks(relation));
  ExprContext* per_row = GetPerTupleExprContext(estate);
  const CommandId command = GetCurrentCommandId(true);
  BulkInsertState bulk = GetBulkInsertState();
  const bool check_constraints = descriptor->constr != nullptr;

  // Rows go in in primary key order (player, game): consecutive index
  // inserts then land on the same leaf page, which stays in the CPU's cache.
  int* order = static_cast<int*>(palloc(sizeof(int) * lists.rows));
  for (int r = 0; r < lists.rows; ++r) order[r] = r;
  std::sort(order, order + lists.rows, [&lists](int a, int b) {
    return lists.players[a] != lists.players[b] ? lists.players[a] < lists.players[b]
                                                : lists.appids[a] < lists.appids[b];
  });

  for (int start = 0; start < lists.rows; start += slot_count) {
    CHECK_FOR_INTERRUPTS();
    const int count = Min(slot_count, lists.rows - start);
    for (int s = 0; s < count; ++s) {
      const int r = order[start + s];
      TupleTableSlot* slot = slots[s];
      ExecClearTuple(slot);
      for (int i = 0; i < width; ++i) {
        slot->tts_isnull[i] = true;
        slot->tts_values[i] = 0;
        if (defaults[i] != nullptr)
          slot->tts_values[i] = ExecEvalExprSwitchContext(defaults[i], per_row, &slot->tts_isnull[i]);
      }
      const Datum values[kListColumnCount] = {Int64GetDatum(lists.players[r]), Int32GetDatum(lists.appids[r]),
                                              Int32GetDatum(lists.ranks[r]), Float4GetDatum(lists.scores[r]),
                                              algorithm_text};
      for (int c = 0; c < kListColumnCount; ++c) {
        slot->tts_values[columns[c] - 1] = values[c];
        slot->tts_isnull[columns[c] - 1] = false;
      }
      ExecStoreVirtualTuple(slot);
      if (check_constraints) ExecConstraints(result, slot, estate);
    }
    table_multi_insert(relation, slots, count, command, 0, bulk);
    if (result->ri_NumIndices > 0) {
      for (int s = 0; s < count; ++s) {
        // A deferred recheck would come from a deferrable unique index, whose
        // trigger keeps the refresh on the SQL path.
        List* recheck = ExecInsertIndexTuples(result, slots[s], estate, false, false, nullptr, NIL);
        if (recheck != NIL) elog(ERROR, "steam_rec: recommendations has a deferrable unique index");
      }
    }
    ResetPerTupleExprContext(estate);
  }

  FreeBulkInsertState(bulk);
  for (int s = 0; s < slot_count; ++s) ExecDropSingleTupleTableSlot(slots[s]);
  ExecCloseIndices(result);
  FreeExecutorState(estate);
  table_close(relation, NoLock);
  // Later statements of this transaction (the next batch, the caller's) see the rows.
  CommandCounterIncrement();
  return static_cast<uint64>(lists.rows);
}

}  // namespace steam_rec::pg
