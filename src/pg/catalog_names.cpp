#include "pg/catalog_names.hpp"

#include "pg/catalog_names_file.hpp"
#include "pg/direct_read.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/tuptable.h"
#include "utils/fmgroids.h"
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
  // For the shared names file only (catalog_names_file.hpp), whose names
  // outlive any backend's invalidation messages: a rewrite of catalog_cache
  // (ALTER COLUMN TYPE) changes names without a count but changes its file,
  // and a counting trigger disabled and enabled again (names changed in
  // between) leaves a new version of the trigger's row.  shareable is false
  // when this snapshot may not see that version or its effects.
  Oid catalog_file = InvalidOid;
  TransactionId trigger_version = InvalidTransactionId;
  bool shareable = false;

  bool operator==(const CatalogState& other) const {
    return catalog_cache == other.catalog_cache && counter == other.counter && changes == other.changes &&
           writer == other.writer && catalog_file == other.catalog_file && trigger_version == other.trigger_version;
  }
};

// One kept lookup: where the name starts in the text, kNoName, or kFree for
// an empty slot.  kNotKept marks, in a call's offsets only, a name returned
// as read.
struct KeptName {
  int32 appid;
  int32 offset;
};
constexpr int32 kNoName = -1, kFree = -2, kNotKept = -3;

// Names kept past which the backend starts over, bounding what it holds
// (about 1.5 MiB at the most with names of typical length).
constexpr int32 kMaxKeptNames = 32768;
constexpr Size kMaxKeptText = 1024 * 1024;
// Longer names (store titles are under 300 bytes) are read by each call
// instead: kept, one would stay in the backend's memory, up to twice its size,
// and past 512 MiB the text could not grow.
constexpr Size kLongestKeptName = 4096;
constexpr int32 kFirstSlots = 4096;  // a power of two

// The kept names: an open-addressing table from appid to an offset into one
// text buffer of NUL-terminated names, all in one memory context, emptied at
// once.  A call looks up 20 to 40 names; dynahash's lookups and a copy of
// each name were a tenth of a call's glue.
struct KeptNames {
  MemoryContext context = nullptr;
  KeptName* slots = nullptr;
  int32 slot_count = 0, entries = 0;  // slot_count a power of two, at least twice entries
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
// The version of the counting trigger's row (its raw xmin) as the catalog
// now holds it, looked up once per backend and forgotten with the kept names.
struct TriggerVersion {
  Oid catalog_cache = InvalidOid;
  Oid trigger = InvalidOid;
  bool known = false;
  bool frozen = false;
  TransactionId xmin = InvalidTransactionId;
};
TriggerVersion trigger_version;

void forget_on_invalidation(Datum, Oid relation) {
  if (relation == InvalidOid || relation == kept.state.catalog_cache) kept.invalidated = true;
  if (relation == InvalidOid || relation == trigger_version.catalog_cache) trigger_version.known = false;
}

// Fills in the version of `trigger`'s row of pg_trigger, the latest one:
// every change of that row (ENABLE or DISABLE TRIGGER) invalidates
// catalog_cache's cache entry, which forgets the version.
void look_up_trigger_version(Oid catalog_cache, Oid trigger) {
  if (trigger_version.known && trigger_version.catalog_cache == catalog_cache && trigger_version.trigger == trigger)
    return;
  trigger_version.known = false;
  trigger_version.catalog_cache = catalog_cache;
  trigger_version.trigger = trigger;
  Relation triggers = table_open(TriggerRelationId, AccessShareLock);
  ScanKeyData key;
  ScanKeyInit(&key, Anum_pg_trigger_oid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(trigger));
  SysScanDesc scan = systable_beginscan(triggers, TriggerOidIndexId, true, nullptr, 1, &key);
  HeapTuple tuple = systable_getnext(scan);
  if (HeapTupleIsValid(tuple)) {
    trigger_version.xmin = HeapTupleHeaderGetRawXmin(tuple->t_data);
    trigger_version.frozen = HeapTupleHeaderXminFrozen(tuple->t_data);
    trigger_version.known = true;
  }
  systable_endscan(scan);
  table_close(triggers, AccessShareLock);
}

// Whether the active snapshot sees the trigger's latest version, and so
// every catalog write that happened before it was last enabled.  A snapshot
// older than that version may see names the count does not tell apart.
bool trigger_version_visible() {
  if (!trigger_version.known) return false;
  if (trigger_version.frozen) return true;
  const TransactionId xmin = trigger_version.xmin;
  if (!TransactionIdIsNormal(xmin)) return TransactionIdEquals(xmin, FrozenTransactionId);
  if (TransactionIdIsCurrentTransactionId(xmin)) return false;
  return !XidInMVCCSnapshot(xmin, GetActiveSnapshot()) && TransactionIdDidCommit(xmin);
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
// Also sets the table's file and the trigger's OID in *state.
bool counting_trigger_fires(Oid catalog_cache, CatalogState* state) {
  Relation catalog = table_open(catalog_cache, AccessShareLock);
  bool fires = false;
  Oid trigger_oid = InvalidOid;
  const TriggerDesc* triggers = catalog->trigdesc;
  for (int i = 0; triggers != nullptr && i < triggers->numtriggers; ++i) {
    const Trigger& trigger = triggers->triggers[i];
    if (strcmp(trigger.tgname, "catalog_cache_count_changes") == 0 && trigger.tgenabled == TRIGGER_FIRES_ALWAYS) {
      fires = true;
      trigger_oid = trigger.tgoid;
    }
  }
  state->catalog_file = catalog->rd_node.relNode;
  table_close(catalog, AccessShareLock);
  if (fires) {
    look_up_trigger_version(catalog_cache, trigger_oid);
    state->trigger_version = trigger_version.xmin;
    state->shareable = trigger_version_visible();
  }
  return fires;
}

// Reads the one row of steam_rec.catalog_changes the active snapshot sees.
// Returns false when kept names must not be used: the table is missing (an
// older SQL version) or nothing bumps it, holds no single usable row, or the row was written by
// this transaction, whose own catalog writes (even half-done ones, seen
// from inside a trigger) no count identifies.
bool read_catalog_state(Oid catalog_cache, CatalogState* state) {
  Oid counter = steam_rec_relation("catalog_changes");
  if (!OidIsValid(counter) || !counting_trigger_fires(catalog_cache, state)) return false;
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

// An empty table of `count` slots (a power of two) in the kept context.
KeptName* free_slots(int32 count) {
  auto* slots = static_cast<KeptName*>(MemoryContextAlloc(kept.context, sizeof(KeptName) * count));
  for (int32 i = 0; i < count; ++i) slots[i] = KeptName{0, kFree};
  return slots;
}

// The slot of `appid` in `slots`: its entry, or the free slot where it goes.
// Fibonacci hashing spreads consecutive appids; probing is linear.
KeptName* slot_of(KeptName* slots, int32 slot_count, int32 appid) {
  const uint32 mask = static_cast<uint32>(slot_count) - 1;
  uint32 hash = static_cast<uint32>(appid) * 2654435769u;
  for (uint32 i = hash ^ (hash >> 15);; ++i) {
    KeptName* slot = &slots[i & mask];
    if (slot->offset == kFree || slot->appid == appid) return slot;
  }
}

// Empties the kept names unless they belong to `state` and have room left
// for more.
void keep_for(const CatalogState& state) {
  if (kept.slots != nullptr && !kept.invalidated && kept.state == state && kept.entries < kMaxKeptNames &&
      kept.used + kLongestKeptName <= kMaxKeptText)
    return;
  if (kept.context == nullptr)
    kept.context = AllocSetContextCreate(TopMemoryContext, "steam_rec catalog names", ALLOCSET_DEFAULT_SIZES);
  else
    MemoryContextReset(kept.context);
  kept.slots = nullptr;
  kept.slot_count = kept.entries = 0;
  kept.text = nullptr;
  kept.used = kept.capacity = 0;
  // Published only once both allocations succeeded: an error between them
  // leaves no table, and the next call starts over.
  char* text = static_cast<char*>(MemoryContextAlloc(kept.context, 16 * 1024));
  KeptName* slots = free_slots(kFirstSlots);
  kept.text = text;
  kept.capacity = 16 * 1024;
  kept.slots = slots;
  kept.slot_count = kFirstSlots;
  kept.state = state;
  kept.invalidated = false;
}

// Doubles the table once it is half full, so probes stay short.  The new
// table is filled before it replaces the old one.
void grow_if_half_full() {
  if (2 * (kept.entries + 1) <= kept.slot_count) return;
  const int32 count = kept.slot_count * 2;
  KeptName* slots = free_slots(count);
  for (int32 i = 0; i < kept.slot_count; ++i)
    if (kept.slots[i].offset != kFree) *slot_of(slots, count, kept.slots[i].appid) = kept.slots[i];
  pfree(kept.slots);
  kept.slots = slots;
  kept.slot_count = count;
}

// Whether `name` (nullptr: none) fits in what the kept names may hold.  One
// call can add up to 4,000 names, so room is checked per name, not only when
// a call starts.
bool fits(const char* name) {
  if (kept.entries >= kMaxKeptNames) return false;
  if (name == nullptr) return true;
  const Size length = strlen(name) + 1;
  return length <= kLongestKeptName && kept.used + length <= kMaxKeptText;
}

// Keeps `name` (nullptr: none) for `appid`.  The text and the room go in
// first, so an out-of-memory error leaves no entry pointing at nothing.
void keep(int32 appid, const char* name) {
  int32 offset = kNoName;
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
  grow_if_half_full();
  KeptName* slot = slot_of(kept.slots, kept.slot_count, appid);
  if (slot->offset == kFree) ++kept.entries;
  *slot = KeptName{appid, offset};
}

}  // namespace

void catalog_names(Oid catalog_cache, const int32* appids, int count, char** names) {
  static bool watching = false;
  if (!watching) {
    CacheRegisterRelcacheCallback(forget_on_invalidation, PointerGetDatum(nullptr));
    watching = true;
  }
  CatalogState state;
  // Names read under a snapshot older than the trigger's last change are not
  // kept either: kept, they would be served to later snapshots of the same
  // count, which see the names changed while the trigger was off.
  if (!read_catalog_state(catalog_cache, &state) || !state.shareable) {
    read_catalog_names(catalog_cache, appids, count, names);
    return;
  }
  {
    rec::NamesStamp stamp;
    stamp.database = MyDatabaseId;
    stamp.catalog_table = state.catalog_cache;
    stamp.catalog_file = state.catalog_file;
    stamp.counter_table = state.counter;
    stamp.changes = state.changes;
    stamp.writer = state.writer;
    stamp.trigger_version = state.trigger_version;
    if (names_from_shared_file(stamp, catalog_cache, appids, count, names)) return;
  }
  keep_for(state);
  // First the offsets (the text may move while missing names are added),
  // then pointers into the text.
  auto* offsets = static_cast<int32*>(palloc(sizeof(int32) * (count > 0 ? count : 1)));
  int missed = 0;
  for (int i = 0; i < count; ++i) {
    offsets[i] = slot_of(kept.slots, kept.slot_count, appids[i])->offset;
    if (offsets[i] == kFree) ++missed;
  }
  if (missed > 0) {
    auto* missing = static_cast<int32*>(palloc(sizeof(int32) * missed));
    auto* missing_at = static_cast<int*>(palloc(sizeof(int) * missed));
    missed = 0;
    for (int i = 0; i < count; ++i)
      if (offsets[i] == kFree) {
        missing[missed] = appids[i];
        missing_at[missed++] = i;
      }
    auto** read = static_cast<char**>(palloc(sizeof(char*) * missed));
    read_catalog_names(catalog_cache, missing, missed, read, false);
    for (int m = 0; m < missed; ++m) {
      if (!fits(read[m])) {
        names[missing_at[m]] = read[m];
        offsets[missing_at[m]] = kNotKept;
        continue;
      }
      keep(missing[m], read[m]);
      offsets[missing_at[m]] = slot_of(kept.slots, kept.slot_count, missing[m])->offset;
    }
  }
  for (int i = 0; i < count; ++i)
    if (offsets[i] != kNotKept) names[i] = offsets[i] < 0 ? nullptr : kept.text + offsets[i];
}

int64 kept_names_bytes() {
  return kept.context == nullptr ? 0 : static_cast<int64>(MemoryContextMemAllocated(kept.context, true));
}

}  // namespace steam_rec::pg
