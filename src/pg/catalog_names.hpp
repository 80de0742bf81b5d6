// Game names from steam_rec.catalog_cache, kept per backend.
//
// recommend() names 20 to 40 games per call (results and reasons); fetching
// them row by row was a quarter of a call.  A backend keeps the names it has
// read together with the count of catalog changes (steam_rec.catalog_changes,
// bumped by every statement that writes catalog_cache) its snapshot saw, and
// uses them while a call's snapshot sees the same count.  Before keeping
// any, a call looks for the names file of that state shared by every backend
// (catalog_names_file.hpp), and keeps names only when there is none.
#pragma once

#include "pg/postgres.hpp"

namespace steam_rec::pg {

// names[i] = the catalog_cache name of appids[i] as the caller's snapshot sees
// it, or nullptr when the game has no row.  A name is valid until the next
// call (it may point into the kept names); the caller may read catalog_cache
// whole (directly_readable()).
void catalog_names(Oid catalog_cache, const int32* appids, int count, char** names);

// The bytes this backend holds for kept names, 0 when it keeps none.
int64 kept_names_bytes();

}  // namespace steam_rec::pg
