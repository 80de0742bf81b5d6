#include "pg/catalog_names.hpp"

#include "pg/direct_read.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/tuptable.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace steam_rec::pg {
namespace {

// Which catalog state kept names belong to.  The count alone is not enough:
// DROP and CREATE EXTENSION start a new table whose count starts again at 0.
// The writing transaction tells apart counts that repeat: a logical
// replication of catalog_changes itself can set a count seen before.
struct CatalogState {
  Oid catalog_cache = InvalidOid;
  Oid counter = InvalidOid;
  int64 changes = 0;
  TransactionId writer = InvalidTransactionId;  // as written, also once frozen

  bool operator==(const CatalogState& other) const {
    return catalog_cache == other.catalog_cache && counter == other.counter && changes == other.changes &&
           writer == other.writer;
  }
};

// One kept lookup: where the name starts in the text, or -1 for no name.
struct KeptName {
  int32 appid;  // the hash key
  int32 offset;
};

// Names kept past which the backend starts over, bounding what it holds
// (about 2 MiB at the most with names of typical length).
constexpr long kMaxKeptNames = 32768;
constexpr Size kMaxKeptText = 1024 * 1024;

// The kept names: a hash from appid to an offset into one text buffer of
// NUL-terminated names, all in one memory context, emptied at once.
struct KeptNames {
  MemoryContext context = nullptr;
  HTAB* table = nullptr;
  char* text = nullptr;
  Size used = 0, capacity = 0;
  CatalogState state;
  // Set when catalog_cache's definition changed: a rewrite (ALTER COLUMN
  // TYPE) or a trigger disabled and enabled again changes names without a
  // count, but always invalidates the relation's cache entry.
  bool invalidated = false;
};
KeptNames kept;

// Marks the kept names stale when catalog_cache (or every relation) is
// invalidated.  Only a flag: this can run inside any lock acquisition, also
// while a call reads the kept names; they are dropped at the next call.
void forget_on_invalidation(Datum, Oid relation) {
  if (relation == InvalidOid || relation == kept.state.catalog_cache) kept.invalidated = true;
}

// The attribute number of int8 column `name`, or 0.
int bigint_column(TupleDesc descriptor, const char* name) {
  for (int i = 0; i < descriptor->natts; ++i) {
    Form_pg_attribute attribute = TupleDescAttr(descriptor, i);
    if (!attribute->attisdropped && attribute->atttypid == INT8OID && strcmp(NameStr(attribute->attname), name) == 0)
      return i + 1;
  }
  return 0;
}

// Whether the statement trigger that bumps the count fires on every write of
// catalog_cache.  distribute() drops it (Citus allows no trigger on a
// reference table) and ALTER TABLE ... DISABLE TRIGGER silences it; without
// it a count no longer identifies what the catalog holds.
bool counting_trigger_fires(Oid catalog_cache) {
  Relation catalog = table_open(catalog_cache, AccessShareLock);
  bool fires = false;
  const TriggerDesc* triggers = catalog->trigdesc;
  for (int i = 0; triggers != nullptr && i < triggers->numtriggers; ++i) {
    const Trigger& trigger = triggers->triggers[i];
    if (strcmp(trigger.tgname, "catalog_cache_count_changes") == 0 && trigger.tgenabled == TRIGGER_FIRES_ALWAYS)
      fires = true;
  }
  table_close(catalog, AccessShareLock);
  return fires;
}

// Reads the one row of steam_rec.catalog_changes the active snapshot sees.
// Returns false when kept names must not be used: the table is missing (an
// older SQL version) or nothing bumps it, holds no single usable row, or the row was written by
// this transaction, whose own catalog writes (even half-done ones, seen
// from inside a trigger) no count identifies.
bool read_catalog_state(Oid catalog_cache, CatalogState* state) {
  Oid counter = steam_rec_relation("catalog_changes");
  if (!OidIsValid(counter) || !counting_trigger_fires(catalog_cache)) return false;
  Relation heap = table_open(counter, AccessShareLock);
  const int column = bigint_column(RelationGetDescr(heap), "changes");
  bool usable = column > 0;
  int rows = 0;
  if (usable) {
    TableScanDesc scan = table_beginscan(heap, GetActiveSnapshot(), 0, nullptr);
    TupleTableSlot* slot = table_slot_create(heap, nullptr);
    while (table_scan_getnextslot(scan, ForwardScanDirection, slot)) {
      ++rows;
      bool is_null = true;
      Datum changes = slot_getattr(slot, column, &is_null);
      if (is_null) usable = false;
      state->changes = is_null ? 0 : DatumGetInt64(changes);
      bool should_free = false;
      HeapTuple tuple = ExecFetchSlotHeapTuple(slot, false, &should_free);
      state->writer = HeapTupleHeaderGetRawXmin(tuple->t_data);
      if (TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(tuple->t_data))) usable = false;
      if (should_free) heap_freetuple(tuple);
    }
    table_endscan(scan);
    ExecDropSingleTupleTableSlot(slot);
  }
  table_close(heap, AccessShareLock);
  state->catalog_cache = catalog_cache;
  state->counter = counter;
  return usable && rows == 1;
}

// Empties the kept names unless they belong to `state` or grew too big.
void keep_for(const CatalogState& state) {
  if (kept.table != nullptr && !kept.invalidated && kept.state == state &&
      hash_get_num_entries(kept.table) < kMaxKeptNames && kept.used < kMaxKeptText)
    return;
  if (kept.context == nullptr)
    kept.context = AllocSetContextCreate(TopMemoryContext, "steam_rec catalog names", ALLOCSET_DEFAULT_SIZES);
  else
    MemoryContextReset(kept.context);
  kept.table = nullptr;
  kept.text = nullptr;
  kept.used = kept.capacity = 0;
  HASHCTL control;
  control.keysize = sizeof(int32);
  control.entrysize = sizeof(KeptName);
  control.hcxt = kept.context;
  // Published only once both allocations succeeded: an error between them
  // leaves no table, and the next call starts over.
  char* text = static_cast<char*>(MemoryContextAlloc(kept.context, 16 * 1024));
  HTAB* table = hash_create("steam_rec catalog names", 1024, &control, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
  kept.text = text;
  kept.capacity = 16 * 1024;
  kept.table = table;
  kept.state = state;
  kept.invalidated = false;
}

// Keeps `name` (nullptr: none) for `appid`.  The text goes in first, so an
// out-of-memory error leaves no entry pointing at nothing.
void keep(int32 appid, const char* name) {
  int32 offset = -1;
  if (name != nullptr) {
    const Size length = strlen(name) + 1;
    if (kept.used + length > kept.capacity) {
      Size capacity = kept.capacity;
      while (kept.used + length > capacity) capacity *= 2;
      kept.text = static_cast<char*>(repalloc(kept.text, capacity));
      kept.capacity = capacity;
    }
    memcpy(kept.text + kept.used, name, length);
    offset = static_cast<int32>(kept.used);
    kept.used += length;
  }
  auto* entry = static_cast<KeptName*>(hash_search(kept.table, &appid, HASH_ENTER, nullptr));
  entry->offset = offset;
}

}  // namespace

void catalog_names(Oid catalog_cache, const int32* appids, int count, char** names) {
  static bool watching = false;
  if (!watching) {
    CacheRegisterRelcacheCallback(forget_on_invalidation, PointerGetDatum(nullptr));
    watching = true;
  }
  CatalogState state;
  if (!read_catalog_state(catalog_cache, &state)) {
    read_catalog_names(catalog_cache, appids, count, names);
    return;
  }
  keep_for(state);
  auto* missing = static_cast<int32*>(palloc(sizeof(int32) * (count > 0 ? count : 1)));
  auto* missing_at = static_cast<int*>(palloc(sizeof(int) * (count > 0 ? count : 1)));
  int missed = 0;
  for (int i = 0; i < count; ++i) {
    auto* found = static_cast<KeptName*>(hash_search(kept.table, &appids[i], HASH_FIND, nullptr));
    if (found == nullptr) {
      names[i] = nullptr;
      missing[missed] = appids[i];
      missing_at[missed++] = i;
    } else {
      names[i] = found->offset < 0 ? nullptr : pstrdup(kept.text + found->offset);
    }
  }
  if (missed == 0) return;
  auto** read = static_cast<char**>(palloc(sizeof(char*) * missed));
  read_catalog_names(catalog_cache, missing, missed, read, false);
  for (int m = 0; m < missed; ++m) {
    names[missing_at[m]] = read[m];
    keep(missing[m], read[m]);
  }
}

}  // namespace steam_rec::pg
