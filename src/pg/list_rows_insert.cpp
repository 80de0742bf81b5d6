#include "pg/list_rows_insert.hpp"

#include <algorithm>

#include "pg/direct_insert.hpp"

extern "C" {
#include "access/genam.h"
#include "access/nbtree.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_publication.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "nodes/makefuncs.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"
}

namespace steam_rec::pg {
namespace {

// Rows handed to the table access method at a time (as COPY does).
constexpr int kRowsPerMultiInsert = 1000;

// The columns a refresh writes, with the types it writes them as.
constexpr DirectColumn kListColumns[] = {
    {"user_steam_id", INT8OID}, {"appid", INT4OID}, {"rank", INT4OID}, {"score", FLOAT4OID}, {"algorithm", TEXTOID}};
constexpr int kListColumnCount = sizeof(kListColumns) / sizeof(kListColumns[0]);

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

// Whether `trigger` is the player foreign key's own check on this side
// (RI_FKey_check_ins / _upd).  Any other trigger, a user's or a
// constraint's (a deferrable unique key's recheck, another foreign key's
// actions on delete), could act on the insert or on the batch's DELETE, so it
// sends the refresh through SQL, which fires it.
bool is_player_key_check(Relation recommendations, const Trigger& trigger, const AttrNumber* columns) {
  return trigger.tgisinternal && RI_FKey_trigger_type(trigger.tgfoid) == RI_TRIGGER_FK &&
         is_player_foreign_key(recommendations, trigger.tgconstraint, columns[0]);
}

constexpr DirectShape kListShape{kListColumns, kListColumnCount, is_player_key_check};

// steam_rec.recommendations, locked ROW EXCLUSIVE; InvalidOid when missing.
Oid recommendations_table() {
  RangeVar* name = makeRangeVar(const_cast<char*>("steam_rec"), const_cast<char*>("recommendations"), -1);
  return RangeVarGetRelidExtended(name, RowExclusiveLock, RVR_MISSING_OK, nullptr, nullptr);
}

// Why the lists of this refresh go through SQL; null when they may go in
// directly (direct_insert_refusal(), and the refresh's own rule below).
const char* lists_refusal(Oid table) {
  if (IsolationUsesXactSnapshot()) return "the transaction is REPEATABLE READ or SERIALIZABLE";
  if (!OidIsValid(table)) return "the table is missing";
  Relation relation = table_open(table, NoLock);
  AttrNumber columns[kListColumnCount];
  const char* reason = direct_insert_refusal(relation, kListShape, columns);
  table_close(relation, NoLock);
  return reason;
}

// The most a table's fillfactor may be for a refresh to rewrite lists in
// place: a refresh rewrites every row of a page, and each new version stays
// on its page only if the page keeps room for as many rows as it holds.
constexpr int kInPlaceFillfactor = 50;

// The rows of `lists` in primary key order (player, game), palloc'd.  The
// ranking threads hand each player's rows over in that order already and a
// refresh's batch holds its players in ascending order, so this thread,
// which alone writes, sorts only rows that come otherwise.
const int* in_key_order(const ListRows& lists) {
  const auto before = [&lists](int a, int b) {
    return lists.players[a] != lists.players[b] ? lists.players[a] < lists.players[b]
                                                : lists.appids[a] < lists.appids[b];
  };
  int* order = static_cast<int*>(palloc(sizeof(int) * (lists.rows + 1)));
  for (int r = 0; r < lists.rows; ++r) order[r] = r;
  if (!std::is_sorted(order, order + lists.rows, before)) std::sort(order, order + lists.rows, before);
  return order;
}

// The players' old rows of a batch, in key order, and where they lie.
struct OldRows {
  int rows = 0;
  int capacity = 0;
  int64* players = nullptr;
  int32* appids = nullptr;
  ItemPointerData* places = nullptr;
};

// Whether a unique or exclusion index other than `key` checks the rows.  A
// row rewritten in place is checked against the rows of its list not yet
// rewritten (two games that swap ranks under a unique (player, rank) fail
// with 23505), where the DELETE removes the whole list before the insert.
bool checked_by_another_index(Relation relation, Oid key) {
  List* indexes = RelationGetIndexList(relation);
  bool checked = false;
  ListCell* cell;
  foreach (cell, indexes) {
    if (lfirst_oid(cell) == key) continue;
    Relation index = index_open(lfirst_oid(cell), AccessShareLock);
    checked = checked || index->rd_index->indisunique || index->rd_index->indisexclusion;
    index_close(index, AccessShareLock);
  }
  list_free(indexes);
  return checked;
}

// Whether a publication of the table would see the rewrite otherwise than
// the DELETE and the INSERT: one that leaves updates out would miss it, and
// where the replica identity, a row filter or a column list makes SQL refuse
// the DELETE, the update and delete would go out with no key to apply them by.
bool published_otherwise(Relation relation) {
  PublicationDesc published;
  RelationBuildPublicationDesc(relation, &published);
  const PublicationActions& actions = published.pubactions;
  if (!actions.pubinsert && !actions.pubupdate && !actions.pubdelete) return false;
  const bool every_change = actions.pubinsert && actions.pubupdate && actions.pubdelete;
  const bool identified =
      relation->rd_rel->relreplident == REPLICA_IDENTITY_FULL || OidIsValid(RelationGetReplicaIndex(relation));
  // What CheckCmdReplicaIdentity() asks of an UPDATE and a DELETE.
  const bool keyed = identified && published.rf_valid_for_update && published.rf_valid_for_delete &&
                     published.cols_valid_for_update && published.cols_valid_for_delete;
  return !(every_change && keyed);
}

// Why the lists of `relation` (with no direct_insert_refusal() and a
// fillfactor of at most kInPlaceFillfactor) are not rewritten in place; null
// when they may be.  Fills `key` with its primary key index.
const char* in_place_refusal(Relation relation, const AttrNumber* columns, Oid* key) {
  // What the SQL DELETE of the old lists needs besides INSERT.
  const AclMode rights = ACL_DELETE | ACL_SELECT;
  if (pg_class_aclmask(RelationGetRelid(relation), GetUserId(), rights, ACLMASK_ALL) != rights)
    return "DELETE or SELECT is not granted on it";
  // The DELETE also removes the players' rows of tables inheriting from it.
  if (relation->rd_rel->relhassubclass) return "other tables inherit from it";
  if (published_otherwise(relation)) return "a publication would not see its DELETE and INSERT";
  *key = RelationGetPrimaryKeyIndex(relation);
  if (!OidIsValid(*key)) return "it has no primary key";
  if (checked_by_another_index(relation, *key)) return "a unique index besides the primary key checks its rows";
  Relation index = index_open(*key, AccessShareLock);
  const Form_pg_index form = index->rd_index;
  const bool player_then_game = index->rd_rel->relam == BTREE_AM_OID && form->indnkeyatts == 2 &&
                                form->indkey.values[0] == columns[0] && form->indkey.values[1] == columns[1] &&
                                RelationGetIndexExpressions(index) == NIL && RelationGetIndexPredicate(index) == NIL;
  index_close(index, AccessShareLock);
  return player_then_game ? nullptr : "its primary key is not (user_steam_id, appid)";
}

// The rows of the locked players between `lowest` and `highest`, read
// through the primary key as the SQL DELETE of the batch reads them.
OldRows read_old_rows(Relation relation, Oid key, const AttrNumber* columns, Snapshot snapshot, const int64* locked,
                      int locked_count, int64 lowest, int64 highest) {
  OldRows old;
  Relation index = index_open(key, AccessShareLock);
  ScanKeyData bounds[2];
  ScanKeyInit(&bounds[0], 1, BTGreaterEqualStrategyNumber, F_INT8GE, Int64GetDatum(lowest));
  ScanKeyInit(&bounds[1], 1, BTLessEqualStrategyNumber, F_INT8LE, Int64GetDatum(highest));
  IndexScanDesc scan = index_beginscan(relation, index, snapshot, 2, 0);
  index_rescan(scan, bounds, 2, nullptr, 0);
  TupleTableSlot* slot = table_slot_create(relation, nullptr);
  while (index_getnext_slot(scan, ForwardScanDirection, slot)) {
    bool is_null = false;
    const int64 player = DatumGetInt64(slot_getattr(slot, columns[0], &is_null));
    if (!std::binary_search(locked, locked + locked_count, player)) continue;
    if (old.rows == old.capacity) {
      old.capacity = old.capacity == 0 ? 1024 : old.capacity * 2;
      old.players = static_cast<int64*>(old.players == nullptr ? palloc(sizeof(int64) * old.capacity)
                                                               : repalloc(old.players, sizeof(int64) * old.capacity));
      old.appids = static_cast<int32*>(old.appids == nullptr ? palloc(sizeof(int32) * old.capacity)
                                                             : repalloc(old.appids, sizeof(int32) * old.capacity));
      old.places = static_cast<ItemPointerData*>(old.places == nullptr
                                                     ? palloc(sizeof(ItemPointerData) * old.capacity)
                                                     : repalloc(old.places, sizeof(ItemPointerData) * old.capacity));
    }
    old.players[old.rows] = player;
    old.appids[old.rows] = DatumGetInt32(slot_getattr(slot, columns[1], &is_null));
    old.places[old.rows] = slot->tts_tid;
    ++old.rows;
  }
  ExecDropSingleTupleTableSlot(slot);
  index_endscan(scan);
  index_close(index, AccessShareLock);
  return old;
}

}  // namespace

// The direct insert skips the executor and with it what the executor would
// apply beyond constraints and indexes, so it is taken only where there is
// nothing of that (direct_insert_refusal(): no Citus, a plain table with no
// rule, no row-level security for this user, INSERT granted, the list
// columns with their own types, no volatile default and no stored generated
// column, no trigger but the player foreign key's check, which the batch's
// lock makes redundant: see insert_lists_directly()), and not in REPEATABLE
// READ or SERIALIZABLE, where a list another refresh committed after the
// snapshot must fail as a serialization error (the SQL INSERT's ON CONFLICT
// DO NOTHING), not as a duplicate key, and where SSI wants the executor's
// predicate locks.  The ROW EXCLUSIVE lock taken here is held to the end of
// the transaction, and other sessions' CREATE TRIGGER, CREATE RULE, CREATE
// POLICY and ALTER TABLE wait for it; this session's own nested calls do
// not, so each batch asks again (insert_lists_directly()).
Oid lists_directly_insertable() {
  const Oid table = recommendations_table();
  if (const char* reason = lists_refusal(table)) {
    ereport(DEBUG1, (errmsg("steam_rec: recommendations are written through SQL: %s", reason)));
    return InvalidOid;
  }
  ereport(DEBUG1, (errmsg("steam_rec: recommendations are written directly")));
  return table;
}

// Why skipping the foreign key's check is safe: every row is of a player
// whose users row this transaction locked FOR NO KEY UPDATE in this batch and
// holds to its end.  That lock conflicts with the lock a DELETE or a key
// UPDATE of the row takes, so no other transaction can remove the key before
// this one ends (it waits, and then its ON DELETE CASCADE, or the key
// update's NO ACTION check, meets these rows as it would meet rows the
// statement inserted).  This transaction itself runs nothing between the
// lock and the insert but the batch's DELETE of recommendations, which
// fires no trigger and no rule here (direct_insert_refusal()).  The check
// per row would find what the lock already holds.
int64 insert_lists_directly(Oid recommendations, const ListRows& lists, const char* algorithm) {
  if (lists.rows == 0) return 0;
  if (const char* reason = lists_refusal(recommendations)) {
    ereport(DEBUG1, (errmsg("steam_rec: recommendations are written through SQL from here: %s", reason)));
    return -1;
  }
  Relation relation = table_open(recommendations, RowExclusiveLock);
  DirectInserter* inserter = direct_insert_begin(relation, kListShape, Min(kRowsPerMultiInsert, lists.rows));

  // Rows go in in primary key order (player, game): consecutive index
  // inserts then land on the same leaf page, which stays in the CPU's cache.
  const int* order = in_key_order(lists);

  const Datum algorithm_text = CStringGetTextDatum(algorithm);
  Datum* values = direct_insert_row(inserter).values;
  for (int i = 0; i < lists.rows; ++i) {
    const int r = order[i];
    values[0] = Int64GetDatum(lists.players[r]);
    values[1] = Int32GetDatum(lists.appids[r]);
    values[2] = Int32GetDatum(lists.ranks[r]);
    values[3] = Float4GetDatum(lists.scores[r]);
    values[4] = algorithm_text;
    direct_insert_add(inserter);
  }
  direct_insert_end(inserter);
  table_close(relation, NoLock);
  return lists.rows;
}

// Why rewriting in place gives the rows the DELETE and INSERT would: the old
// rows are those the batch's DELETE reads (the locked players' rows in the
// primary key's range, under a snapshot taken now, as a new statement in READ
// COMMITTED takes it), and every one of them is deleted or replaced by a row
// built as the insert builds it; rows of new keys are inserted.  A row that
// keeps its key keeps its index entry, and where the page has room its new
// version stays on it: no index insert and no unique check, most of what a
// refresh writes (see kInPlaceFillfactor).  A row another transaction
// changed after the snapshot (its writer does not take the players' lock)
// stops this: what was written here stays visible to the caller's DELETE,
// which then removes it with the rest and follows the other writer's row.
int64 rewrite_lists_in_place(Oid recommendations, const ListRows& lists, const char* algorithm, const int64* locked,
                             int locked_count, int64 lowest, int64 highest) {
  if (IsolationUsesXactSnapshot()) return -1;  // as lists_refusal()
  Relation relation = table_open(recommendations, RowExclusiveLock);
  AttrNumber columns[kListColumnCount];
  Oid key = InvalidOid;
  // The fillfactor first: at the default one the batch is written as before at once.
  if (RelationGetFillFactor(relation, HEAP_DEFAULT_FILLFACTOR) > kInPlaceFillfactor ||
      direct_insert_refusal(relation, kListShape, columns) != nullptr ||
      in_place_refusal(relation, columns, &key) != nullptr) {
    table_close(relation, NoLock);
    return -1;
  }
  Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
  const OldRows old = read_old_rows(relation, key, columns, snapshot, locked, locked_count, lowest, highest);
  DirectInserter* inserter = direct_insert_begin(relation, kListShape, Max(1, Min(kRowsPerMultiInsert, lists.rows)));

  // Both in key order: the old rows as the index returns them, the new ones
  // as in_key_order() puts them.
  const int* order = in_key_order(lists);

  const Datum algorithm_text = CStringGetTextDatum(algorithm);
  Datum* values = direct_insert_row(inserter).values;
  bool unchanged_by_others = true;
  int o = 0;
  for (int i = 0; i < lists.rows && unchanged_by_others; ++i) {
    const int r = order[i];
    const auto old_first = [&] {
      return old.players[o] != lists.players[r] ? old.players[o] < lists.players[r] : old.appids[o] < lists.appids[r];
    };
    while (o < old.rows && old_first() && unchanged_by_others)
      unchanged_by_others = direct_insert_delete(inserter, &old.places[o++], snapshot);
    if (!unchanged_by_others) break;
    values[0] = Int64GetDatum(lists.players[r]);
    values[1] = Int32GetDatum(lists.appids[r]);
    values[2] = Int32GetDatum(lists.ranks[r]);
    values[3] = Float4GetDatum(lists.scores[r]);
    values[4] = algorithm_text;
    if (o < old.rows && old.players[o] == lists.players[r] && old.appids[o] == lists.appids[r])
      unchanged_by_others = direct_insert_replace(inserter, &old.places[o++], snapshot);
    else
      direct_insert_add(inserter);
  }
  while (o < old.rows && unchanged_by_others)
    unchanged_by_others = direct_insert_delete(inserter, &old.places[o++], snapshot);
  direct_insert_end(inserter);  // also makes this batch's rows visible to the caller's next statements
  UnregisterSnapshot(snapshot);
  table_close(relation, NoLock);
  if (unchanged_by_others) return lists.rows;
  ereport(DEBUG1, (errmsg("steam_rec: a batch of lists is written through SQL: another transaction changed a row")));
  return -1;
}

}  // namespace steam_rec::pg
