// Writing the files of $PGDATA/steam_rec (model images, names files), a
// cache of what the tables hold.  Each is written whole under a temporary
// name and renamed into place, so a reader finds the old file, the new one or
// none, never a part.  The writer does not wait for the disk (no fsync): a
// backend waiting there could not serve a cancel (a fifth of a second for a
// large image on a busy disk).  It only starts the writeback of each piece.
// A names file is checked whole at every mapping.  A model image is checked
// whole by every backend that maps it until one finds its data on disk
// (waiting in pieces, interruptibly) and leaves a stamp naming the file and
// the machine's boot, so after a machine crash every image is checked whole
// again (model_image_file.cpp).
#pragma once

#include <cstddef>

#include "pg/postgres.hpp"

namespace steam_rec::pg {

// Room for "<path>.<pid>.tmp".
constexpr int kTemporaryPathBytes = MAXPGPATH + 32;

// Writes `size` bytes to "<path>.<pid>.tmp" (its name left in `temporary`),
// in pieces with a check for a cancel or termination between them: a pending
// one removes the file and ends the call in its ERROR (or, should the server
// hold it back, returns false).  False, logged with `what` and
// `consequence`, when the file cannot be written; nothing is left behind
// then.
bool write_temporary_file(const char* path, const unsigned char* bytes, std::size_t size, const char* what,
                          const char* consequence, char* temporary);

// Renames the written `temporary` to `path`; false (logged, the temporary
// removed) when it cannot.
bool rename_into_place(const char* temporary, const char* path, const char* consequence);

}  // namespace steam_rec::pg
