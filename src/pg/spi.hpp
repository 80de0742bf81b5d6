// Small helpers around SPI for the glue.
#pragma once

#include "pg/postgres.hpp"

extern "C" {
#include "executor/spi.h"
}

namespace steam_rec::pg {

// One SPI connection, as a scoped object: the constructor connects (or
// raises an internal error), finish() or the end of the scope disconnects.
//
// How it meets the C/C++ boundary rules (entry.hpp): an ereport(ERROR)
// longjmps over the destructor, and that is harmless, because the
// transaction (or subtransaction) abort that follows the error finishes any
// SPI connection left open (AtEOXact_SPI / AtEOSubXact_SPI).  A C++ exception
// (PgError from pg_guard(), SqlError, bad_alloc) unwinds normally and the
// destructor disconnects before the entry point re-raises it.  So this is
// the one C++ object a body may keep alive across ereport().
//
// SPI_connect switches to a memory context that SPI_finish deletes: call
// finish() where the data read through SPI is no longer needed, and never
// return a pass-by-reference Datum allocated inside the session.
class SpiSession {
 public:
  SpiSession();
  ~SpiSession() { finish(); }
  SpiSession(const SpiSession&) = delete;
  SpiSession& operator=(const SpiSession&) = delete;

  // Disconnects; does nothing the second time.
  void finish() noexcept;

 private:
  bool connected_ = false;
};

// Runs `sql` with the given arguments and fails unless SPI returns
// `expected`.  `nulls`, when given, marks NULL arguments with 'n' (SPI's
// convention); without it none is NULL.  Returns the number of rows processed.
uint64 spi_run(const char* sql, int count, const Oid* types, const Datum* values, int expected, bool read_only = false,
               const char* nulls = nullptr);

// An array Datum of `count` values of a fixed-size, by-value or by-reference type.
Datum int4_array(const int32* values, int count);
Datum int8_array(const int64* values, int count);
Datum float4_array(const float* values, int64 count);
Datum float8_array(const double* values, int count);

}  // namespace steam_rec::pg

namespace steam_rec::pg {

// Rows read from a cursor at a time: bounded memory per batch, few round trips.
constexpr long kCursorBatchRows = 50000;

// Reads the rows of a read-only query through a cursor named `name`, handing
// each batch to each_batch(table, rows) and freeing it afterwards.  The
// callback may run other SPI statements (it gets the batch's own table).
template <typename EachBatch>
void for_each_batch(const char* name, const char* sql, int count, const Oid* types, const Datum* values,
                    EachBatch&& each_batch) {
  Portal cursor = SPI_cursor_open_with_args(name, sql, count, const_cast<Oid*>(types), const_cast<Datum*>(values),
                                            nullptr, true, 0);
  for (;;) {
    SPI_cursor_fetch(cursor, true, kCursorBatchRows);
    if (SPI_processed == 0) break;
    SPITupleTable* table = SPI_tuptable;
    each_batch(table, SPI_processed);
    SPI_freetuptable(table);
  }
  SPI_cursor_close(cursor);
}

// A plan prepared once per backend and kept: *slot caches it.  Statements
// must name every object with its schema, since the plan outlives any
// search_path.
SPIPlanPtr saved_plan(SPIPlanPtr* slot, const char* sql, int count, const Oid* types);

// Runs a saved plan read-only; fails unless it returns rows (SPI_OK_SELECT).
uint64 run_saved(SPIPlanPtr plan, const Datum* values);

}  // namespace steam_rec::pg
