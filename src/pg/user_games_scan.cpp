#include "pg/user_games_scan.hpp"

#include <algorithm>
#include <cstring>

#include "core/engagement.hpp"
#include "pg/column_types.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/rls.h"
}

namespace steam_rec::pg {
namespace {

AttrNumber column_number(TupleDesc descriptor, const char* name) {
  int number = SPI_fnumber(descriptor, name);
  if (number <= 0)
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN), errmsg("steam_rec.user_games has no column \"%s\"", name),
                    errhint("Run ALTER EXTENSION steam_rec UPDATE; to bring the schema up to date.")));
  return static_cast<AttrNumber>(number);
}

// A column that is read: refused when of another type than the extension
// made (a domain over it is that type), as its values are read as that type.
AttrNumber read_column(TupleDesc descriptor, const char* name, Oid type) {
  const AttrNumber number = column_number(descriptor, name);
  require_column_type("user_games", name, TupleDescAttr(descriptor, number - 1)->atttypid, type);
  return number;
}

// The categories run from unplayed to dedicated, the last.
int longest_category_name() {
  int longest = 0;
  for (int c = 0; c <= static_cast<int>(engagement::Category::dedicated); ++c)
    longest =
        std::max(longest, static_cast<int>(strlen(engagement::category_name(static_cast<engagement::Category>(c)))));
  return longest;
}

// A column the trigger also writes, as a datum stored without the executor:
// only the exact type is safe, as a domain's checks or a length limit would
// not be applied.  A varchar long enough for every category stores the same
// bytes as text.
AttrNumber written_column(TupleDesc descriptor, const char* name, Oid type) {
  const AttrNumber number = column_number(descriptor, name);
  const Form_pg_attribute column = TupleDescAttr(descriptor, number - 1);
  const bool holds_every_category = type == TEXTOID && column->atttypid == VARCHAROID &&
                                    (column->atttypmod < 0 || column->atttypmod - VARHDRSZ >= longest_category_name());
  if (column->atttypid == type || holds_every_category) return number;
  ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                  errmsg("steam_rec.user_games column \"%s\" is of type %s, not %s", name,
                         format_type_with_typemod(column->atttypid, column->atttypmod), format_type_be(type)),
                  errdetail("The engagement trigger stores its value as %s, without a domain's checks or a "
                            "length limit.",
                            format_type_be(type)),
                  errhint("%s", kRestoreColumnTypeHint)));
}

double double_or(TupleTableSlot* slot, AttrNumber column, double fallback) {
  bool is_null = true;
  Datum value = slot_getattr(slot, column, &is_null);
  return is_null ? fallback : DatumGetFloat8(value);
}

// Refuses a caller who may not read every row the scan reads.  The scan
// bypasses the executor, and with it the privilege and row-level-security
// checks a query would make, so it makes them here: without SELECT on the
// columns it reads, PostgreSQL's own "permission denied"; under a policy,
// a refusal naming it (statistics of rows the caller cannot see, written where
// it can read them, would show it what the policy hides).
void require_every_row_readable(Relation relation, const UserGamesScan& scan) {
  const Oid relation_id = RelationGetRelid(relation);
  const Oid user = GetUserId();
  if (pg_class_aclcheck(relation_id, user, ACL_SELECT) != ACLCHECK_OK) {
    const AttrNumber columns[] = {scan.player, scan.appid, scan.hours, scan.recent_hours, scan.last_played};
    for (AttrNumber column : columns)
      if (pg_attribute_aclcheck(relation_id, column, user, ACL_SELECT) != ACLCHECK_OK)
        aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, RelationGetRelationName(relation));
  }
  if (check_enable_rls(relation_id, InvalidOid, true) == RLS_ENABLED)
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("refresh_engagement() measures every row of steam_rec.user_games, and row-level security "
                           "hides some of them from role \"%s\"",
                           GetUserNameFromId(user, false)),
                    errdetail("The statistics it rebuilds (game_stats, engagement_prior) describe every player's "
                              "games; built from the visible rows only, they would be wrong for everyone."),
                    errhint("Run it as a role that row-level security does not apply to (the table's owner, or one "
                            "with BYPASSRLS), or rescore one player's rows from the stored statistics with "
                            "refresh_engagement(steam_id).")));
}

}  // namespace

TimestampTz engagement_as_of() {
  TimestampTz now = GetCurrentTransactionStartTimestamp();
  TimestampTz remainder = now % USECS_PER_DAY;
  if (remainder < 0) remainder += USECS_PER_DAY;
  return now - remainder;
}

double days_since(TimestampTz last_played, TimestampTz as_of) {
  // 'infinity' counted as played today and '-infinity' overflowed.
  if (TIMESTAMP_NOT_FINITE(last_played)) return -1;
  if (last_played >= as_of) return 0;
  return static_cast<double>(as_of - last_played) / static_cast<double>(USECS_PER_DAY);
}

int category_from_name(const char* name, size_t length) {
  using engagement::Category;
  for (Category category :
       {Category::unplayed, Category::tried, Category::casual, Category::regular, Category::dedicated}) {
    const char* candidate = engagement::category_name(category);
    if (std::strlen(candidate) == length && std::memcmp(candidate, name, length) == 0)
      return static_cast<int>(category);
  }
  return -1;
}

void find_user_games_columns(TupleDesc descriptor, UserGamesScan* scan) {
  scan->player = read_column(descriptor, "user_steam_id", INT8OID);
  scan->appid = read_column(descriptor, "appid", INT4OID);
  scan->hours = read_column(descriptor, "playtime_hours", FLOAT8OID);
  scan->recent_hours = read_column(descriptor, "playtime_2weeks_hours", FLOAT8OID);
  scan->last_played = read_column(descriptor, "last_played", TIMESTAMPTZOID);
  scan->score = written_column(descriptor, "engagement_score", FLOAT4OID);
  scan->category = written_column(descriptor, "playtime_category", TEXTOID);
}

Oid user_games_relation_id() {
  return RangeVarGetRelid(makeRangeVar(const_cast<char*>("steam_rec"), const_cast<char*>("user_games"), -1),
                          AccessShareLock, false);
}

void user_games_scan_begin(UserGamesScan* scan, Oid relation_id, Snapshot snapshot) {
  scan->relation = table_open(relation_id, AccessShareLock);
  find_user_games_columns(RelationGetDescr(scan->relation), scan);
  require_every_row_readable(scan->relation, *scan);
  scan->slot = table_slot_create(scan->relation, nullptr);
  scan->scan = table_beginscan(scan->relation, snapshot, 0, nullptr);
  scan->as_of = engagement_as_of();
}

bool user_games_scan_next(UserGamesScan* scan, engagement::OwnedGame* row) {
  if (!table_scan_getnextslot(scan->scan, ForwardScanDirection, scan->slot)) return false;
  TupleTableSlot* slot = scan->slot;
  bool is_null = true;
  row->player = DatumGetInt64(slot_getattr(slot, scan->player, &is_null));
  row->appid = DatumGetInt32(slot_getattr(slot, scan->appid, &is_null));
  row->hours = double_or(slot, scan->hours, 0);
  row->recent_hours = double_or(slot, scan->recent_hours, 0);
  Datum last_played = slot_getattr(slot, scan->last_played, &is_null);
  row->days_since_last_played = is_null ? -1 : days_since(DatumGetTimestampTz(last_played), scan->as_of);
  return true;
}

void user_games_scan_end(UserGamesScan* scan) {
  table_endscan(scan->scan);
  ExecDropSingleTupleTableSlot(scan->slot);
  table_close(scan->relation, AccessShareLock);
}

}  // namespace steam_rec::pg
