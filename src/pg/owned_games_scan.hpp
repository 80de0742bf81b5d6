// Reading train()'s input, steam_rec.user_games (player, appid, engagement
// score), by a plain heap scan instead of an SPI cursor: no executor, no row
// copies, no SPI tuple table.  Only where that reads exactly the rows SQL
// would: see owned_games_scan_begin().
#pragma once

#include "pg/postgres.hpp"

extern "C" {
#include "access/tupdesc.h"
#include "utils/relcache.h"
}

namespace steam_rec::pg {

// Rows handed over at a time: bounded memory, and cancel is polled between
// batches (the heap scan itself polls once per page).
constexpr int kOwnedGamesBatchRows = 8192;

// One batch of rows, in the table's physical order (as a sequential scan
// through SQL returns them).  A NULL engagement score reads as 0.
struct OwnedGamesBatch {
  int64 players[kOwnedGamesBatchRows];
  int32 appids[kOwnedGamesBatchRows];
  float engagement[kOwnedGamesBatchRows];
  int rows;
};

struct OwnedGamesScan;

// Whether a heap scan of `relation` (a table of steam_rec, opened by the
// caller after directly_readable() allowed it) returns exactly the rows
// "SELECT ... FROM" it returns to the current user.
bool scan_reads_what_sql_reads(Relation relation);

// Opens a heap scan of steam_rec.user_games under the active snapshot (the
// one a read-only SPI cursor would use), or returns nullptr when only SQL
// reads what the caller may see: on Citus (rows live in shards), when the
// table has inheritance children or is not a plain table, when row-level
// security applies to the caller, and when the caller lacks USAGE on the
// schema or SELECT on the whole table (SQL then applies column privileges,
// or refuses with 42501 as PostgreSQL does).
OwnedGamesScan* owned_games_scan_begin();

// Fills `batch` with the next rows; false (and batch->rows = 0) at the end.
bool owned_games_scan_next(OwnedGamesScan* scan, OwnedGamesBatch* batch);

void owned_games_scan_end(OwnedGamesScan* scan);

}  // namespace steam_rec::pg
