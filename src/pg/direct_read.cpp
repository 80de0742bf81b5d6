#include "pg/direct_read.hpp"

extern "C" {
#include "access/genam.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
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

}  // namespace

Oid directly_readable(const char* name) {
  Oid schema = get_namespace_oid("steam_rec", true);
  Oid relation = OidIsValid(schema) ? get_relname_relid(name, schema) : InvalidOid;
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

}  // namespace steam_rec::pg
