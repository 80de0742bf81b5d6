// Reading steam_rec.user_games for the engagement model: a plain heap scan
// (no SPI row copies) that yields each row as the model's plain struct, for
// callers who may read every row (it checks).
#pragma once

#include "core/engagement_refresh_model.hpp"
#include "pg/postgres.hpp"

extern "C" {
#include "access/tableam.h"
#include "utils/snapshot.h"
#include "utils/timestamp.h"
}

namespace steam_rec::pg {

struct UserGamesScan {
  Relation relation;
  TableScanDesc scan;
  TupleTableSlot* slot;
  AttrNumber player, appid, hours, recent_hours, last_played, score, category;
  TimestampTz as_of;
};

// The reference time for "days since last played": midnight UTC of the
// current transaction's day, so scores stay the same all day.
TimestampTz engagement_as_of();

// Days from last_played to as_of: 0 for a time after as_of (a clock ahead
// of the server's), -1 (unknown) for 'infinity' and '-infinity'.
double days_since(TimestampTz last_played, TimestampTz as_of);

// The category whose SQL name is `name`, or -1.
int category_from_name(const char* name, size_t length);

// Finds the columns of steam_rec.user_games in `relation`'s descriptor.
void find_user_games_columns(TupleDesc descriptor, UserGamesScan* scan);

// Opens the scan; refuses (42501) a caller without SELECT on the columns it
// reads or whom row-level security shows only some rows of the table.
void user_games_scan_begin(UserGamesScan* scan, Oid relation_id, Snapshot snapshot);
bool user_games_scan_next(UserGamesScan* scan, engagement::OwnedGame* row);
void user_games_scan_end(UserGamesScan* scan);

Oid user_games_relation_id();

}  // namespace steam_rec::pg
