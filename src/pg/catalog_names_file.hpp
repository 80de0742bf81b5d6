// Game names from a file shared by every backend of the server.
//
// A fresh backend used to read the 20 to 40 names of its first call row by
// row into a table of its own (a quarter of that call), and every backend
// kept its own copy.  The first backend that needs the names of a catalog
// state writes them all to $PGDATA/steam_rec/<database>_names_<stamp>.names
// (written to a temporary name, renamed, never written again: cache_file_write.hpp), and
// every backend whose snapshot sees that same state maps it read-only.  The
// stamp (core/names_image.hpp) names the state exactly; catalog_names.cpp
// decides when a snapshot's state has one.
#pragma once

#include "core/names_image.hpp"
#include "pg/postgres.hpp"

namespace steam_rec::pg {

// names[i] = the name of appids[i] in the catalog state `stamp`, which the
// caller's active snapshot sees and which the caller may read whole, or
// nullptr.  Maps the state's file, building it from catalog_cache under the
// active snapshot when it is missing, damaged or another state's.  Returns
// false, with nothing set, when no file can serve (another backend is
// building it, the snapshot is older than the catalog's latest state, the
// disk is full, the catalog is too big): the caller reads
// the names itself.  A name is valid until the next call.
bool names_from_shared_file(const rec::NamesStamp& stamp, Oid catalog_cache, const int32* appids, int count,
                            char** names);

// The bytes of the names file this backend maps, 0 when none.
int64 shared_names_bytes();

}  // namespace steam_rec::pg
