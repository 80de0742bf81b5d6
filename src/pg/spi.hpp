// Small helpers around SPI for the glue.
#pragma once

#include "pg/postgres.hpp"

extern "C" {
#include "executor/spi.h"
}

namespace steam_rec::pg {

// Runs `sql` with the given arguments (no NULLs) and fails unless SPI returns
// `expected`.  Returns the number of rows processed.
uint64 spi_run(const char* sql, int count, const Oid* types, const Datum* values, int expected,
               bool read_only = false);

// An array Datum of `count` values of a fixed-size, by-value or by-reference type.
Datum int4_array(const int32* values, int count);
Datum float8_array(const double* values, int count);

}  // namespace steam_rec::pg
