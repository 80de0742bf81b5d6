// Inserting rows into a table as COPY does, where that writes what an
// INSERT statement by the current user would.
//
// An INSERT costs an executor step per row and single-row heap and index
// inserts.  COPY's way puts many rows on a heap page at once, then the index
// entries, with NOT NULL, CHECK and domain-free column types checked per row.
// That skips what only the executor and the rewriter apply: triggers, rules,
// row-level security, generated columns, deferred unique checks.  So it is
// taken only where the table has none of them (direct_insert_refusal()).
// Callers ask again for every statement's worth of rows: a function a batch
// runs (a CHECK's, an index expression's) or a call nested between two
// statements may have added a trigger, a rule or a policy in this
// transaction, which no lock keeps out.  refresh_recommendations() (list_rows_insert)
// and train() (model_games_direct) write this way.
#pragma once

#include "pg/postgres.hpp"

extern "C" {
#include "commands/trigger.h"
#include "storage/itemptr.h"
#include "utils/rel.h"
#include "utils/snapshot.h"
}

namespace steam_rec::pg {

// A column the caller fills, with the type of the Datums it writes.
struct DirectColumn {
  const char* name;
  Oid type;
};

// What a caller writes into a table: its columns (every other live column
// gets its default), and the triggers it makes redundant itself (null: none).
struct DirectShape {
  const DirectColumn* columns;
  int count;
  // Whether `trigger` on `table` acts on nothing the caller has not already
  // ensured; `attributes` are the columns' attribute numbers.
  bool (*redundant_trigger)(Relation table, const Trigger& trigger, const AttrNumber* attributes);
};

// Why rows written directly into `table` could differ from an INSERT's
// through SQL by the current user; null when they would not.  Fills
// `attributes` (shape.count of them) with the columns' attribute numbers.
const char* direct_insert_refusal(Relation table, const DirectShape& shape, AttrNumber* attributes);

struct DirectInserter;

// Starts inserting into `table` (open, RowExclusiveLock held, with no
// refusal for `shape`) batches of up to `batch_rows` rows.
DirectInserter* direct_insert_begin(Relation table, const DirectShape& shape, int batch_rows);

// The memory context to build the next row's values in; it lives until the
// batch holding the row is inserted.
MemoryContext direct_insert_row_memory(DirectInserter* inserter);

// The next row's columns, indexed as the shape's: values[c], and nulls[c]
// (false unless set) for a null.
struct DirectRow {
  Datum* values;
  bool* nulls;
};

// The next row: set each column the caller fills, then call
// direct_insert_add().
DirectRow direct_insert_row(DirectInserter* inserter);

// Adds the row whose values were set: fills the other columns' defaults,
// checks the table's constraints, and inserts the batch when it is full.
void direct_insert_add(DirectInserter* inserter);

// Replaces the row at `old_row`, visible to `snapshot`, by the next row (set
// as for direct_insert_add()): an UPDATE of every column.  Where the heap page
// has room and no indexed column changes, the new version stays on the page
// and gets no index entry (a HOT update); else its index entries are added
// as an insert's.  Returns false, writing nothing, when another transaction
// updated or deleted the old row after `snapshot` was taken (it waits for
// one still in progress): the caller then writes through SQL, which follows
// the row's newer version.  direct_insert_refusal() leaves out tables with
// triggers other than the shape's redundant ones, and checks the INSERT
// right: the caller checks the rights its SQL counterpart would need besides.
bool direct_insert_replace(DirectInserter* inserter, ItemPointer old_row, Snapshot snapshot);

// Deletes the row at `old_row`, visible to `snapshot`; false, as
// direct_insert_replace(), when another transaction changed it meanwhile.
bool direct_insert_delete(DirectInserter* inserter, ItemPointer old_row, Snapshot snapshot);

// Inserts the rows added so far and makes them visible to the transaction's
// later commands.  Polls for cancel before a batch: call it (and add()) only
// where an error may jump over the caller's frames (entry.hpp).
void direct_insert_flush(DirectInserter* inserter);

// Flushes and releases the inserter; the table stays open.
void direct_insert_end(DirectInserter* inserter);

}  // namespace steam_rec::pg
