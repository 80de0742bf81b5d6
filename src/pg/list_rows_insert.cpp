#include "pg/list_rows_insert.hpp"

#include <algorithm>

#include "pg/direct_insert.hpp"

extern "C" {
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "nodes/makefuncs.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
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
  // The ranking threads hand each player's rows over in that order already
  // and a refresh's batch holds its players in ascending order, so this
  // thread, which alone writes, sorts only rows that come otherwise.
  const auto before = [&lists](int a, int b) {
    return lists.players[a] != lists.players[b] ? lists.players[a] < lists.players[b]
                                                : lists.appids[a] < lists.appids[b];
  };
  int* order = static_cast<int*>(palloc(sizeof(int) * lists.rows));
  for (int r = 0; r < lists.rows; ++r) order[r] = r;
  if (!std::is_sorted(order, order + lists.rows, before)) std::sort(order, order + lists.rows, before);

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

}  // namespace steam_rec::pg
