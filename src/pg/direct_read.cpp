#include "pg/direct_read.hpp"

#include "pg/column_types.hpp"
#include "pg/version_check.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/visibilitymap.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_index.h"
#include "catalog/pg_opfamily_d.h"
#include "catalog/pg_type_d.h"
#include "commands/extension.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "storage/bufmgr.h"
#include "storage/predicate.h"
#include "storage/proc.h"
#include "storage/smgr.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/typcache.h"
}

namespace steam_rec::pg {
namespace {

// Whether `block` lies within the open `heap`, read by a caller holding a
// lock on it.  The length this backend's storage handle last saw (kept by
// each size lookup and extension it made) answers without a file size
// lookup when the block is below it: that length may be short, as other
// backends' extensions do not update it (why the server reads it itself
// only in recovery), but never long, as a truncation invalidates every
// backend's handle before its exclusive lock is released, and this
// backend's lock came after.  A file size lookup answers the rest.
bool block_within(Relation heap, BlockNumber block) {
  const BlockNumber seen = RelationGetSmgr(heap)->smgr_cached_nblocks[MAIN_FORKNUM];
  if (seen != InvalidBlockNumber && block < seen) return true;
  return block < RelationGetNumberOfBlocks(heap);
}

int attribute_number(Relation relation, const char* name) {
  TupleDesc descriptor = RelationGetDescr(relation);
  for (int i = 0; i < descriptor->natts; ++i) {
    Form_pg_attribute attribute = TupleDescAttr(descriptor, i);
    if (!attribute->attisdropped && strcmp(NameStr(attribute->attname), name) == 0) return i + 1;
  }
  elog(ERROR, "steam_rec: column %s of %s is missing", name, RelationGetRelationName(relation));
  return 0;
}

// Calls visit(heap, slot) for each row of the open `heap` whose first
// `index` column equals `value` (compared with the equality function `equal`).
template <typename Visit>
void scan_open_equal(Relation heap, Relation index, RegProcedure equal, Datum value, Visit visit) {
  TupleTableSlot* slot = table_slot_create(heap, nullptr);
  IndexScanDesc scan = index_beginscan(heap, index, GetActiveSnapshot(), 1, 0);
  ScanKeyData key;
  ScanKeyInit(&key, 1, BTEqualStrategyNumber, equal, value);
  index_rescan(scan, &key, 1, nullptr, 0);
  while (index_getnext_slot(scan, ForwardScanDirection, slot)) visit(heap, slot);
  index_endscan(scan);
  ExecDropSingleTupleTableSlot(slot);
}

}  // namespace

// Citus keeps the rows of the
// tables it distributes or replicates in shards, while the table of that name
// stays empty; only SQL, which Citus routes to the shards, reads them.
// Looked up once per transaction (CREATE EXTENSION citus cannot happen in the
// middle of a recommend() call), or taken from the version check's read of
// pg_extension in the same transaction; a read by a transaction that changed
// nothing stands for later ones while pg_extension cannot have changed
// (catalog_read_mark.hpp).
namespace {
LocalTransactionId citus_looked_up_in = InvalidLocalTransactionId;
CatalogReadMark citus_read;
bool citus_is_installed = false;
}  // namespace

void note_citus_installed(bool installed, const CatalogReadMark& read) {
  citus_is_installed = installed;
  citus_looked_up_in = MyProc->lxid;
  citus_read = read;
}

bool citus_installed() {
  if (citus_looked_up_in != MyProc->lxid && !catalog_unchanged_since(citus_read)) {
    InstalledExtensions extensions = read_installed_extensions();
    if (extensions.steam_rec_version != nullptr) pfree(extensions.steam_rec_version);
    note_citus_installed(extensions.citus, extensions.read);
  }
  return citus_is_installed;
}

Oid directly_readable(const char* name) {
  if (citus_installed()) return InvalidOid;
  Oid relation = steam_rec_relation(name);
  if (!OidIsValid(relation)) return InvalidOid;
  if (pg_class_aclcheck(relation, GetUserId(), ACL_SELECT) != ACLCHECK_OK) return InvalidOid;
  if (check_enable_rls(relation, InvalidOid, true) == RLS_ENABLED) return InvalidOid;
  return relation;
}

namespace {

// Where each game's catalog_cache row was found last, per backend: the heap
// address (TID) its index entry pointed to.  A name is looked up 20 to 40
// times per recommend() (results and reasons), and the index descents cost a
// fifth of the call; from a remembered address the row is fetched directly.
// Only the address is kept, never the name, and the fetch applies the
// caller's snapshot: the name read is that of the game's one visible row
// (the primary key allows no other), checked to be the game's, so an address
// left stale by an update elsewhere, a delete, VACUUM reusing the slot or a
// rewrite of the table falls back to the index, which gives the new address.
struct CatalogAddress {
  int32 appid;  // the hash key
  ItemPointerData row;
};

// Entries past which the table starts over, bounding what a backend holds
// (about 1.5 MiB at the most).
constexpr long kMaxCatalogAddresses = 65536;

struct CatalogAddresses {
  HTAB* table = nullptr;
  Oid relation = InvalidOid;
  Oid relfilenode = InvalidOid;
};
CatalogAddresses catalog_addresses;

// The address table for `heap`, emptied when it belonged to another relation
// or file (DROP and CREATE EXTENSION, VACUUM FULL, TRUNCATE) or grew too big.
HTAB* addresses_for(Relation heap) {
  CatalogAddresses& cache = catalog_addresses;
  if (cache.table != nullptr &&
      (cache.relation != RelationGetRelid(heap) || cache.relfilenode != heap->rd_node.relNode ||
       hash_get_num_entries(cache.table) > kMaxCatalogAddresses)) {
    hash_destroy(cache.table);
    cache.table = nullptr;
  }
  if (cache.table == nullptr) {
    HASHCTL control;
    control.keysize = sizeof(int32);
    control.entrysize = sizeof(CatalogAddress);
    control.hcxt = TopMemoryContext;
    cache.table = hash_create("steam_rec catalog addresses", 1024, &control, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    cache.relation = RelationGetRelid(heap);
    cache.relfilenode = heap->rd_node.relNode;
  }
  return cache.table;
}

}  // namespace

void read_catalog_names(Oid catalog_cache, const int32* appids, int count, char** names, bool remember_addresses) {
  Relation heap = table_open(catalog_cache, AccessShareLock);
  Oid primary_key = RelationGetPrimaryKeyIndex(heap);
  if (!OidIsValid(primary_key)) elog(ERROR, "steam_rec: catalog_cache has no primary key");
  Relation index = index_open(primary_key, AccessShareLock);
  const int appid_column = attribute_number(heap, "appid");
  const int name_column = attribute_number(heap, "name");
  if (index->rd_index->indkey.values[0] != appid_column)
    elog(ERROR, "steam_rec: the primary key of catalog_cache does not lead with appid");
  HTAB* addresses = remember_addresses ? addresses_for(heap) : nullptr;
  Snapshot snapshot = GetActiveSnapshot();
  TupleTableSlot* slot = table_slot_create(heap, nullptr);
  IndexFetchTableData* fetch = table_index_fetch_begin(heap);
  IndexScanDesc scan = nullptr;
  for (int i = 0; i < count; ++i) {
    names[i] = nullptr;
    bool found = false;
    auto* known = addresses == nullptr
                      ? nullptr
                      : static_cast<CatalogAddress*>(hash_search(addresses, &appids[i], HASH_FIND, nullptr));
    if (known != nullptr && block_within(heap, ItemPointerGetBlockNumber(&known->row))) {
      ItemPointerData row = known->row;
      bool call_again = false, all_dead = false;
      bool is_null = true;
      found = table_index_fetch_tuple(fetch, &row, snapshot, slot, &call_again, &all_dead) &&
              DatumGetInt32(slot_getattr(slot, appid_column, &is_null)) == appids[i] && !is_null;
    }
    if (!found) {
      if (scan == nullptr) scan = index_beginscan(heap, index, snapshot, 1, 0);
      ScanKeyData key;
      ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT4EQ, Int32GetDatum(appids[i]));
      index_rescan(scan, &key, 1, nullptr, 0);
      // index_getnext_slot() by hand, to keep the address the index gave:
      // the start of the row's update chain, which a fetch follows.
      ItemPointerData start;
      for (ItemPointer next; !found && (next = index_getnext_tid(scan, ForwardScanDirection)) != nullptr;) {
        start = *next;
        found = index_fetch_heap(scan, slot);
      }
      if (found && addresses != nullptr) {
        auto* entry = static_cast<CatalogAddress*>(hash_search(addresses, &appids[i], HASH_ENTER, nullptr));
        entry->row = start;
      } else if (known != nullptr) {
        hash_search(addresses, &appids[i], HASH_REMOVE, nullptr);
      }
    }
    if (found) {
      bool is_null = true;
      Datum name = slot_getattr(slot, name_column, &is_null);
      if (!is_null) names[i] = TextDatumGetCString(name);
    }
  }
  if (scan != nullptr) index_endscan(scan);
  table_index_fetch_end(fetch);
  ExecDropSingleTupleTableSlot(slot);
  index_close(index, AccessShareLock);
  table_close(heap, AccessShareLock);
}

namespace {

// Where this backend found the active model's row last: the address its
// `one_active` index entry pointed to, in which table and file.  Every call
// reads that row; a fetch from the address saves the index descent.  The
// fetch applies the caller's snapshot and the row is used only if the
// version it sees there is active: the unique index lets one row at most be
// active in any snapshot, so that row is the active model in it.  An address
// left stale by an activation (a new row version elsewhere), VACUUM reusing
// the slot for another model's row, or a rewrite of the table (another file)
// finds no active row there and falls back to the index.
struct ActiveRowAddress {
  Oid relation = InvalidOid;
  Oid relfilenode = InvalidOid;
  ItemPointerData row;
};
ActiveRowAddress active_row_address;

// Fetches the active row from the remembered address into `slot`, if the
// version visible there is active.
bool fetch_remembered_active(Relation heap, Snapshot snapshot, int active_column, TupleTableSlot* slot) {
  const ActiveRowAddress& known = active_row_address;
  // A serializable transaction must lock the index range it read (a new
  // active row is a conflict); only the index search does.
  if (IsolationIsSerializable()) return false;
  if (known.relation != RelationGetRelid(heap) || known.relfilenode != heap->rd_node.relNode) return false;
  // An address past the table's end (VACUUM truncated it since) is not read.
  if (!block_within(heap, ItemPointerGetBlockNumber(&known.row))) return false;
  ItemPointerData row = known.row;
  bool call_again = false, all_dead = false, is_null = true;
  IndexFetchTableData* fetch = table_index_fetch_begin(heap);
  const bool found = table_index_fetch_tuple(fetch, &row, snapshot, slot, &call_again, &all_dead) &&
                     DatumGetBool(slot_getattr(slot, active_column, &is_null)) && !is_null;
  table_index_fetch_end(fetch);
  return found;
}

// Searches `one_active` for the active row, into `slot`, and remembers the
// address its index entry points to (the start of the row's update chain,
// which a fetch follows).
bool search_active(Relation heap, Oid one_active, Snapshot snapshot, int active_column, TupleTableSlot* slot) {
  Relation index = index_open(one_active, AccessShareLock);
  if (index->rd_index->indrelid != RelationGetRelid(heap) || index->rd_index->indkey.values[0] != active_column)
    elog(ERROR, "steam_rec: index %s does not lead with %s.active", RelationGetRelationName(index),
         RelationGetRelationName(heap));
  IndexScanDesc scan = index_beginscan(heap, index, snapshot, 1, 0);
  ScanKeyData key;
  ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_BOOLEQ, BoolGetDatum(true));
  index_rescan(scan, &key, 1, nullptr, 0);
  bool found = false;
  ItemPointerData start;
  for (ItemPointer next; !found && (next = index_getnext_tid(scan, ForwardScanDirection)) != nullptr;) {
    start = *next;
    found = index_fetch_heap(scan, slot);
  }
  index_endscan(scan);
  index_close(index, AccessShareLock);
  active_row_address = ActiveRowAddress{};
  if (found) active_row_address = ActiveRowAddress{RelationGetRelid(heap), heap->rd_node.relNode, start};
  return found;
}

}  // namespace

bool read_active_model(Oid models, Oid one_active, ModelRow* row) {
  Relation heap = table_open(models, AccessShareLock);
  const int active_column = attribute_number(heap, "active");
  Snapshot snapshot = GetActiveSnapshot();
  TupleTableSlot* slot = table_slot_create(heap, nullptr);
  const bool found = fetch_remembered_active(heap, snapshot, active_column, slot) ||
                     search_active(heap, one_active, snapshot, active_column, slot);
  if (found) {
    // Each column looked up once per call, its type checked, then read.
    Datum values[lengthof(kModelColumns)];
    for (std::size_t i = 0; i < lengthof(kModelColumns); ++i) {
      const int number = attribute_number(heap, kModelColumns[i].name);
      require_column_type("models", kModelColumns[i].name, TupleDescAttr(RelationGetDescr(heap), number - 1)->atttypid,
                          kModelColumns[i].type);
      bool is_null = true;
      values[i] = slot_getattr(slot, number, &is_null);
    }
    row->id = DatumGetInt64(values[0]);  // kModelColumns' order
    row->trained_at = DatumGetTimestampTz(values[1]);
    row->algorithm = TextDatumGetCString(values[2]);
    row->params = PointerGetDatum(PG_DETOAST_DATUM_COPY(values[3]));
  }
  ExecDropSingleTupleTableSlot(slot);
  table_close(heap, AccessShareLock);
  return found;
}

namespace {

// The position (from 1) of heap column `column` among the index's columns,
// key or INCLUDE, or 0.
int index_position(Relation index, int column) {
  for (int i = 0; i < index->rd_index->indnatts; ++i)
    if (index->rd_index->indkey.values[i] == column) return i + 1;
  return 0;
}

// Appends (appid, score) to the growing arrays.
void append_game(int* count, int* capacity, int32** appids, float** engagement, int32 appid, float score) {
  if (*count == *capacity) {
    *capacity *= 2;
    *appids = static_cast<int32*>(repalloc(*appids, sizeof(int32) * *capacity));
    *engagement = static_cast<float*>(repalloc(*engagement, sizeof(float) * *capacity));
  }
  (*appids)[*count] = appid;
  (*engagement)[*count] = score;
  ++*count;
}

// read_player_games() from an index that holds appid and engagement_score
// (user_games_player_games), as the executor's index-only scan does: rows on
// pages the visibility map marks all-visible are read from the index alone,
// which on such a page holds the values of the row's one version.  On any
// other page the row is read from the heap: a snapshot older than the index
// may see a version the index has no entry of its own for (an update made
// before the index was built, whose entry holds the newer values).  A
// player's entries share one or two index pages, where the rows lie on as
// many heap pages as they were written at different times; skipping those
// is most of what the read costs.
int read_player_games_covered(Relation heap, Relation index, int appid_at, int score_at, int64 steam_id, int32** appids,
                              float** engagement) {
  const int appid_column = attribute_number(heap, "appid");
  const int score_column = attribute_number(heap, "engagement_score");
  int count = 0, capacity = 16;
  *appids = static_cast<int32*>(palloc(sizeof(int32) * capacity));
  *engagement = static_cast<float*>(palloc(sizeof(float) * capacity));
  Snapshot snapshot = GetActiveSnapshot();
  IndexScanDesc scan = index_beginscan(heap, index, snapshot, 1, 0);
  scan->xs_want_itup = true;
  ScanKeyData key;
  ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(steam_id));
  index_rescan(scan, &key, 1, nullptr, 0);
  TupleTableSlot* slot = table_slot_create(heap, nullptr);
  Buffer visibility = InvalidBuffer;
  for (ItemPointer row; (row = index_getnext_tid(scan, ForwardScanDirection)) != nullptr;) {
    const BlockNumber block = ItemPointerGetBlockNumber(row);
    const bool all_visible = VM_ALL_VISIBLE(heap, block, &visibility);
    bool is_null = true;
    int32 appid = 0;
    Datum score = 0;
    if (all_visible) {
      appid = DatumGetInt32(index_getattr(scan->xs_itup, appid_at, scan->xs_itupdesc, &is_null));
      score = index_getattr(scan->xs_itup, score_at, scan->xs_itupdesc, &is_null);
    } else {
      if (!index_fetch_heap(scan, slot)) continue;  // no version visible to us
      appid = DatumGetInt32(slot_getattr(slot, appid_column, &is_null));
      score = slot_getattr(slot, score_column, &is_null);
    }
    append_game(&count, &capacity, appids, engagement, appid, is_null ? 0.0f : DatumGetFloat4(score));
    // Serializable transactions lock what they read: the heap did that for a
    // visited row; for one read from the index alone, its heap page.
    if (all_visible) PredicateLockPage(heap, block, snapshot);
  }
  if (BufferIsValid(visibility)) ReleaseBuffer(visibility);
  ExecDropSingleTupleTableSlot(slot);
  index_endscan(scan);
  return count;
}

// The default btree operator family of `type`.  The integer types' is fixed
// by the catalog (no second default operator class can be made for a type),
// and a fresh backend's first type cache lookup of a type scans pg_opclass:
// the most catalog reading a first recommend() did beyond opening the
// relations it reads.  The type cache keeps any other type's: every call
// asks this.
Oid default_btree_family(Oid type) {
  if (type == INT2OID || type == INT4OID || type == INT8OID) return INTEGER_BTREE_FAM_OID;
  return lookup_type_cache(type, TYPECACHE_BTREE_OPFAMILY)->btree_opf;
}

// Whether key column `i` of `index` is heap column `column` in that column
// type's default btree order: ascending, by its default operator family.
// Serving sums a player's games in the order it reads them, and that order
// must be appid's (refresh_recommendations() reads them so): in another the
// float sums, and so scores and ties, differ.
bool keyed_in_default_order(Relation heap, Relation index, int i, int column) {
  if (index->rd_index->indkey.values[i] != column || index->rd_indoption[i] != 0) return false;
  const Oid family = default_btree_family(TupleDescAttr(RelationGetDescr(heap), column - 1)->atttypid);
  return OidIsValid(family) && family == index->rd_opfamily[i];
}

}  // namespace

bool open_player_games_index(Oid user_games, Oid index_oid, PlayerGamesIndex* opened) {
  // A relation of another kind made under the index's name (a table, a view)
  // is no index to read; index_open() would fail every call on it.
  if (get_rel_relkind(index_oid) != RELKIND_INDEX) return false;
  if (opened->heap == nullptr) opened->heap = table_open(user_games, AccessShareLock);
  Relation heap = opened->heap;
  Relation index = index_open(index_oid, AccessShareLock);
  const Form_pg_index form = index->rd_index;
  const bool usable = form->indrelid == user_games && form->indisvalid && index->rd_rel->relam == BTREE_AM_OID &&
                      heap_attisnull(index->rd_indextuple, Anum_pg_index_indpred, nullptr) && form->indnkeyatts >= 2 &&
                      keyed_in_default_order(heap, index, 0, attribute_number(heap, "user_steam_id")) &&
                      keyed_in_default_order(heap, index, 1, attribute_number(heap, "appid")) &&
                      // The reads below take these datums as these types; a
                      // column retyped by its owner is read through SQL, which casts it.
                      scanned_column(RelationGetDescr(heap), "user_steam_id", INT8OID) > 0 &&
                      scanned_column(RelationGetDescr(heap), "appid", INT4OID) > 0 &&
                      scanned_column(RelationGetDescr(heap), "engagement_score", FLOAT4OID) > 0;
  if (!usable) {
    index_close(index, AccessShareLock);
    return false;
  }
  opened->index = index;
  return true;
}

void close_player_games_index(PlayerGamesIndex* opened) {
  if (opened->index != nullptr) index_close(opened->index, AccessShareLock);
  if (opened->heap != nullptr) table_close(opened->heap, AccessShareLock);
  *opened = PlayerGamesIndex{};
}

int read_player_games(const PlayerGamesIndex& opened, int64 steam_id, int32** appids, float** engagement) {
  Relation heap = opened.heap;
  Relation index = opened.index;
  const int appid_at = index_position(index, attribute_number(heap, "appid"));
  const int score_at = index_position(index, attribute_number(heap, "engagement_score"));
  if (appid_at > 0 && score_at > 0)
    return read_player_games_covered(heap, index, appid_at, score_at, steam_id, appids, engagement);
  int count = 0, capacity = 16;
  *appids = static_cast<int32*>(palloc(sizeof(int32) * capacity));
  *engagement = static_cast<float*>(palloc(sizeof(float) * capacity));
  const int appid_column = attribute_number(heap, "appid");
  const int score_column = attribute_number(heap, "engagement_score");
  scan_open_equal(heap, index, F_INT8EQ, Int64GetDatum(steam_id), [&](Relation, TupleTableSlot* slot) {
    bool is_null = true;
    const int32 appid = DatumGetInt32(slot_getattr(slot, appid_column, &is_null));
    const Datum score = slot_getattr(slot, score_column, &is_null);
    append_game(&count, &capacity, appids, engagement, appid, is_null ? 0.0f : DatumGetFloat4(score));
  });
  return count;
}

}  // namespace steam_rec::pg
