// Writing the files of $PGDATA/steam_rec (model images, names files), a
// cache of what the tables hold.  Each is written whole under a temporary
// name and renamed into place, so a reader finds the old file, the new one or
// none, never a part.  Neither the file nor the rename is fsynced: a backend
// that waited for the disk could not serve a cancel meanwhile (a fifth of a
// second for a large image on a busy disk), and only a machine crash loses
// bytes the kernel holds.  After one, every file is checked whole before it
// is used (a model image's checked stamps hold the boot they were left in; a
// names file is checked whole at every mapping), so a torn file is refused
// and built again.
#pragma once

#include <cstddef>

#include "pg/postgres.hpp"

namespace steam_rec::pg {

// Room for "<path>.<pid>.tmp".
constexpr int kTemporaryPathBytes = MAXPGPATH + 32;

// Writes `size` bytes to "<path>.<pid>.tmp" (its name left in `temporary`),
// in pieces with a check for a cancel or termination between them: one that
// is pending removes the file and is served (the call ends in an ERROR).
// False, logged with `what`, when the file cannot be written; nothing is
// left behind then.
bool write_temporary_file(const char* path, const unsigned char* bytes, std::size_t size, const char* what,
                          char* temporary);

// Renames the written `temporary` to `path`; false (logged, the temporary
// removed) when it cannot.
bool rename_into_place(const char* temporary, const char* path);

}  // namespace steam_rec::pg
