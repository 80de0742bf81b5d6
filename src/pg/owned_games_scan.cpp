#include "pg/owned_games_scan.hpp"

#include <algorithm>

#include "pg/column_types.hpp"
#include "pg/direct_read.hpp"

extern "C" {
#include "access/relation.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace steam_rec::pg {

struct OwnedGamesScan {
  Relation relation;
  TableScanDesc scan;
  TupleTableSlot* slot;
  AttrNumber player, appid, engagement;
  // Set once the heap scan has returned its last row: asked again, a heap
  // scan starts over from the first page.
  bool finished;
};

// Checks what directly_readable() leaves to the opened relation: its kind,
// inheritance children and USAGE on its schema.
bool scan_reads_what_sql_reads(Relation relation) {
  const Oid user = GetUserId();
  if (relation->rd_rel->relkind != RELKIND_RELATION || relation->rd_rel->relhassubclass) return false;
  if (pg_namespace_aclcheck(RelationGetNamespace(relation), user, ACL_USAGE) != ACLCHECK_OK) return false;
  return true;
}

OwnedGamesScan* owned_games_scan_begin() {
  // directly_readable() leaves out Citus, missing SELECT on the table and
  // row-level security, and takes the lock a query would take.
  const Oid relation_id = directly_readable("user_games");
  if (!OidIsValid(relation_id)) return nullptr;
  Relation relation = table_open(relation_id, AccessShareLock);
  TupleDesc descriptor = RelationGetDescr(relation);
  const AttrNumber player = scanned_column(descriptor, "user_steam_id", INT8OID);
  const AttrNumber appid = scanned_column(descriptor, "appid", INT4OID);
  const AttrNumber engagement = scanned_column(descriptor, "engagement_score", FLOAT4OID);
  if (!scan_reads_what_sql_reads(relation) || player == 0 || appid == 0 || engagement == 0) {
    table_close(relation, AccessShareLock);
    return nullptr;
  }
  auto* scan = static_cast<OwnedGamesScan*>(palloc(sizeof(OwnedGamesScan)));
  scan->relation = relation;
  scan->player = player;
  scan->appid = appid;
  scan->engagement = engagement;
  scan->finished = false;
  scan->slot = table_slot_create(relation, nullptr);
  scan->scan = table_beginscan(relation, GetActiveSnapshot(), 0, nullptr);
  return scan;
}

bool owned_games_scan_next(OwnedGamesScan* scan, OwnedGamesBatch* batch) {
  int rows = 0;
  TupleTableSlot* slot = scan->slot;
  while (rows < kOwnedGamesBatchRows && !scan->finished) {
    if (!table_scan_getnextslot(scan->scan, ForwardScanDirection, slot)) {
      scan->finished = true;
      break;
    }
    // Deforms once, up to the last column read.
    slot_getsomeattrs(slot, std::max({scan->player, scan->appid, scan->engagement}));
    batch->players[rows] = DatumGetInt64(slot->tts_values[scan->player - 1]);
    batch->appids[rows] = DatumGetInt32(slot->tts_values[scan->appid - 1]);
    batch->engagement[rows] =
        slot->tts_isnull[scan->engagement - 1] ? 0.0f : DatumGetFloat4(slot->tts_values[scan->engagement - 1]);
    ++rows;
  }
  batch->rows = rows;
  return rows > 0;
}

void owned_games_scan_end(OwnedGamesScan* scan) {
  table_endscan(scan->scan);
  ExecDropSingleTupleTableSlot(scan->slot);
  table_close(scan->relation, AccessShareLock);
  pfree(scan);
}

}  // namespace steam_rec::pg
