// Reading a few rows by index without the executor.
//
// recommend() reads a handful of rows per call; through SQL each statement
// costs more than the ranking itself.  When the caller may read a whole
// table (SELECT on it and no row-level security applies) these helpers read
// it directly through an index; otherwise the caller goes through SQL, which
// applies privileges and policies row by row.
#pragma once

#include "pg/postgres.hpp"

namespace steam_rec::pg {

// The relation steam_rec.<name> if the current user may read all of it
// directly, else InvalidOid.
Oid directly_readable(const char* name);

// names[i] = the catalog_cache name of appids[i] (palloc'd), or nullptr.
void read_catalog_names(Oid catalog_cache, const int32* appids, int count, char** names);

}  // namespace steam_rec::pg
