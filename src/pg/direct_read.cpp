#include "pg/direct_read.hpp"

extern "C" {
#include "access/genam.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "commands/extension.h"
#include "nodes/makefuncs.h"
#include "storage/proc.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
}

namespace steam_rec::pg {
namespace {

int attribute_number(Relation relation, const char* name) {
  TupleDesc descriptor = RelationGetDescr(relation);
  for (int i = 0; i < descriptor->natts; ++i) {
    Form_pg_attribute attribute = TupleDescAttr(descriptor, i);
    if (!attribute->attisdropped && strcmp(NameStr(attribute->attname), name) == 0) return i + 1;
  }
  elog(ERROR, "steam_rec: column %s of %s is missing", name, RelationGetRelationName(relation));
  return 0;
}

// Calls visit(heap, slot) for every row of `heap` whose `column` equals
// `value` (compared with the equality function `equal`), found through
// `index`, whose first column must be that column.
template <typename Visit>
void scan_equal(Oid heap_oid, Oid index_oid, const char* column, RegProcedure equal, Datum value, Visit visit) {
  Relation heap = table_open(heap_oid, AccessShareLock);
  Relation index = index_open(index_oid, AccessShareLock);
  if (index->rd_index->indrelid != heap_oid || index->rd_index->indkey.values[0] != attribute_number(heap, column))
    elog(ERROR, "steam_rec: index %s does not lead with %s.%s", RelationGetRelationName(index),
         RelationGetRelationName(heap), column);
  TupleTableSlot* slot = table_slot_create(heap, nullptr);
  IndexScanDesc scan = index_beginscan(heap, index, GetActiveSnapshot(), 1, 0);
  ScanKeyData key;
  ScanKeyInit(&key, 1, BTEqualStrategyNumber, equal, value);
  index_rescan(scan, &key, 1, nullptr, 0);
  while (index_getnext_slot(scan, ForwardScanDirection, slot)) visit(heap, slot);
  index_endscan(scan);
  ExecDropSingleTupleTableSlot(slot);
  index_close(index, AccessShareLock);
  table_close(heap, AccessShareLock);
}

}  // namespace

// Citus keeps the rows of the
// tables it distributes or replicates in shards, while the table of that name
// stays empty; only SQL, which Citus routes to the shards, reads them.
// Looked up once per transaction (CREATE EXTENSION citus cannot happen in the
// middle of a recommend() call).
bool citus_installed() {
  static LocalTransactionId looked_up_in = InvalidLocalTransactionId;
  static bool installed = false;
  if (looked_up_in != MyProc->lxid) {
    installed = OidIsValid(get_extension_oid("citus", true));
    looked_up_in = MyProc->lxid;
  }
  return installed;
}

// Resolves the name and locks what it found in one step: a relation dropped
// by a transaction that commits while we wait for the lock is looked up again
// and reported missing, never opened by a stale OID.  The lock is the one
// reading takes, held to the end of the transaction.
Oid steam_rec_relation(const char* name) {
  RangeVar* relation = makeRangeVar(const_cast<char*>("steam_rec"), const_cast<char*>(name), -1);
  return RangeVarGetRelidExtended(relation, AccessShareLock, RVR_MISSING_OK, nullptr, nullptr);
}

Oid directly_readable(const char* name) {
  if (citus_installed()) return InvalidOid;
  Oid relation = steam_rec_relation(name);
  if (!OidIsValid(relation)) return InvalidOid;
  if (pg_class_aclcheck(relation, GetUserId(), ACL_SELECT) != ACLCHECK_OK) return InvalidOid;
  if (check_enable_rls(relation, InvalidOid, true) == RLS_ENABLED) return InvalidOid;
  return relation;
}

void read_catalog_names(Oid catalog_cache, const int32* appids, int count, char** names) {
  Relation heap = table_open(catalog_cache, AccessShareLock);
  Oid primary_key = RelationGetPrimaryKeyIndex(heap);
  if (!OidIsValid(primary_key)) elog(ERROR, "steam_rec: catalog_cache has no primary key");
  Relation index = index_open(primary_key, AccessShareLock);
  const int name_column = attribute_number(heap, "name");
  TupleTableSlot* slot = table_slot_create(heap, nullptr);
  IndexScanDesc scan = index_beginscan(heap, index, GetActiveSnapshot(), 1, 0);
  for (int i = 0; i < count; ++i) {
    ScanKeyData key;
    ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT4EQ, Int32GetDatum(appids[i]));
    index_rescan(scan, &key, 1, nullptr, 0);
    names[i] = nullptr;
    if (index_getnext_slot(scan, ForwardScanDirection, slot)) {
      bool is_null = true;
      Datum name = slot_getattr(slot, name_column, &is_null);
      if (!is_null) names[i] = TextDatumGetCString(name);
    }
  }
  index_endscan(scan);
  ExecDropSingleTupleTableSlot(slot);
  index_close(index, AccessShareLock);
  table_close(heap, AccessShareLock);
}

bool read_active_model(Oid models, Oid one_active, ModelRow* row) {
  bool found = false;
  scan_equal(models, one_active, "active", F_BOOLEQ, BoolGetDatum(true), [&](Relation heap, TupleTableSlot* slot) {
    bool is_null = true;
    row->id = DatumGetInt64(slot_getattr(slot, attribute_number(heap, "id"), &is_null));
    row->trained_at = DatumGetTimestampTz(slot_getattr(slot, attribute_number(heap, "trained_at"), &is_null));
    row->algorithm = TextDatumGetCString(slot_getattr(slot, attribute_number(heap, "algorithm"), &is_null));
    row->params = PointerGetDatum(PG_DETOAST_DATUM_COPY(slot_getattr(slot, attribute_number(heap, "params"), &is_null)));
    found = true;
  });
  return found;
}

int read_player_games(Oid user_games, Oid by_player, int64 steam_id, int32** appids, float** engagement) {
  int count = 0, capacity = 16;
  *appids = static_cast<int32*>(palloc(sizeof(int32) * capacity));
  *engagement = static_cast<float*>(palloc(sizeof(float) * capacity));
  int appid_column = 0, score_column = 0;
  scan_equal(user_games, by_player, "user_steam_id", F_INT8EQ, Int64GetDatum(steam_id),
             [&](Relation heap, TupleTableSlot* slot) {
               if (appid_column == 0) {
                 appid_column = attribute_number(heap, "appid");
                 score_column = attribute_number(heap, "engagement_score");
               }
               if (count == capacity) {
                 capacity *= 2;
                 *appids = static_cast<int32*>(repalloc(*appids, sizeof(int32) * capacity));
                 *engagement = static_cast<float*>(repalloc(*engagement, sizeof(float) * capacity));
               }
               bool is_null = true;
               (*appids)[count] = DatumGetInt32(slot_getattr(slot, appid_column, &is_null));
               Datum score = slot_getattr(slot, score_column, &is_null);
               (*engagement)[count] = is_null ? 0.0f : DatumGetFloat4(score);
               ++count;
             });
  return count;
}

}  // namespace steam_rec::pg
