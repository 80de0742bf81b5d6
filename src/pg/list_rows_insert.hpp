// Inserting refresh_recommendations()' rows without the executor.
//
// Through an INSERT statement each row of a list costs an executor step, the
// foreign key's check (a query per row) and single-row heap and index
// inserts: most of a refresh.  A refresh already holds each batch's players'
// users rows locked, which is what the foreign key's check would make sure of,
// so where nothing else acts on an insert into steam_rec.recommendations (no
// trigger but that check, no rule, no row-level security, no Citus) the rows
// go in as COPY puts them (direct_insert.hpp): many to a heap page at once,
// then the indexes, with the table's constraints checked row by row.
// Elsewhere the refresh writes through SQL, as before.
#pragma once

#include "pg/postgres.hpp"

namespace steam_rec::pg {

// The rows of one batch's lists, all of players whose users rows this
// transaction holds locked FOR NO KEY UPDATE (or stronger).
struct ListRows {
  int rows;
  const int64* players;
  const int32* appids;
  const int32* ranks;
  const float* scores;
};

// steam_rec.recommendations, locked ROW EXCLUSIVE, when a refresh may insert
// its rows directly; InvalidOid when it must write through SQL.
Oid lists_directly_insertable();

// Inserts `lists` into `recommendations` (from lists_directly_insertable()),
// every row with `algorithm` and the other columns' defaults; checks NOT NULL
// and CHECK constraints and every index's uniqueness.  Returns rows inserted,
// or -1 when the table no longer takes rows directly (a call nested in this
// refresh changed it), and the caller writes them through SQL.
int64 insert_lists_directly(Oid recommendations, const ListRows& lists, const char* algorithm);

// Replaces the lists of the `locked` players (ascending; their rows lie
// between `lowest` and `highest`) by `lists` in place, as the batch's DELETE
// and insert_lists_directly() would, where the table's fillfactor leaves room
// on its pages (at most 50): a row that keeps its key is updated, on its
// page, with no new index entry; the other old rows are deleted and the new
// ones inserted.  Returns rows written, or -1 when the caller must write the
// lists as before (DELETE, then insert): the table takes no rows in place, or
// another writer changed an old row meanwhile, and part of the lists may be
// written already (the DELETE removes it too).
int64 rewrite_lists_in_place(Oid recommendations, const ListRows& lists, const char* algorithm, const int64* locked,
                             int locked_count, int64 lowest, int64 highest);

}  // namespace steam_rec::pg
