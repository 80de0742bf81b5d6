#include "pg/game_tags_scan.hpp"

#include <algorithm>

#include "pg/column_types.hpp"
#include "pg/direct_read.hpp"
#include "pg/owned_games_scan.hpp"

extern "C" {
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace steam_rec::pg {

struct GameTagsScan {
  Relation relation;
  TableScanDesc scan;
  TupleTableSlot* slot;
  AttrNumber appid, tag, position;
  // The last tag name, when it had to be decompressed or fetched from TOAST
  // (never with the names of the schema, at most 100 characters).
  struct varlena* expanded_tag;
};

GameTagsScan* game_tags_scan_begin() {
  const Oid relation_id = directly_readable("game_tags");
  if (!OidIsValid(relation_id)) return nullptr;
  Relation relation = table_open(relation_id, AccessShareLock);
  TupleDesc descriptor = RelationGetDescr(relation);
  const AttrNumber appid = scanned_column(descriptor, "appid", INT4OID);
  const AttrNumber tag = scanned_column(descriptor, "tag_name", VARCHAROID, TEXTOID);
  const AttrNumber position = scanned_column(descriptor, "position", INT4OID);
  if (!scan_reads_what_sql_reads(relation) || appid == 0 || tag == 0 || position == 0) {
    table_close(relation, AccessShareLock);
    return nullptr;
  }
  auto* scan = static_cast<GameTagsScan*>(palloc(sizeof(GameTagsScan)));
  scan->relation = relation;
  scan->appid = appid;
  scan->tag = tag;
  scan->position = position;
  scan->expanded_tag = nullptr;
  scan->slot = table_slot_create(relation, nullptr);
  scan->scan = table_beginscan(relation, GetActiveSnapshot(), 0, nullptr);
  return scan;
}

bool game_tags_scan_next(GameTagsScan* scan, GameTagRow* row) {
  TupleTableSlot* slot = scan->slot;
  if (!table_scan_getnextslot(scan->scan, ForwardScanDirection, slot)) return false;
  slot_getsomeattrs(slot, std::max({scan->appid, scan->tag, scan->position}));
  // appid and tag_name are NOT NULL in the schema; a NULL tag would read as
  // SQL's NULL does in the cursor (nullptr), which the caller refuses alike.
  row->appid = DatumGetInt32(slot->tts_values[scan->appid - 1]);
  if (scan->expanded_tag != nullptr) {
    pfree(scan->expanded_tag);
    scan->expanded_tag = nullptr;
  }
  row->tag_is_null = slot->tts_isnull[scan->tag - 1];
  row->tag = std::string_view();
  if (!row->tag_is_null) {
    auto* stored = reinterpret_cast<struct varlena*>(DatumGetPointer(slot->tts_values[scan->tag - 1]));
    // Read in place, as text_to_cstring() reads it, without its copy.
    struct varlena* name = pg_detoast_datum_packed(stored);
    if (name != stored) scan->expanded_tag = name;
    row->tag = std::string_view(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
  }
  row->position = slot->tts_isnull[scan->position - 1] ? 0 : DatumGetInt32(slot->tts_values[scan->position - 1]);
  return true;
}

void game_tags_scan_end(GameTagsScan* scan) {
  if (scan->expanded_tag != nullptr) pfree(scan->expanded_tag);
  table_endscan(scan->scan);
  ExecDropSingleTupleTableSlot(scan->slot);
  table_close(scan->relation, AccessShareLock);
  pfree(scan);
}

}  // namespace steam_rec::pg
