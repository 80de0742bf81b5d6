// SQL/library skew detection.
//
// steam_rec.so is one unversioned library serving every SQL version of the
// extension.  After a package upgrade the library can be newer than the SQL
// objects in a database (after ALTER EXTENSION ... UPDATE TO an older
// version): it serves them, as every C symbol keeps the behaviour of the SQL
// that declares it.  Only SQL newer than the library (a downgraded package)
// is refused: it would read tables whose shape the library does not expect.
#pragma once

#include "pg/catalog_read_mark.hpp"

namespace steam_rec::pg {

// The extension version this library was built for; equals default_version in
// steam_rec.control (a regression test checks it).
inline constexpr const char* kLibraryVersion = "1.7";

// The number of a version as the extension's scripts install it, major and
// minor ("1.7" is 107), which orders versions; -1 for anything else (a hand
// edit of pg_extension: "1.7.0", "01.7", "abc").
int sql_version_number(const char* version);

// What pg_extension records for this database, read in one pass.
struct InstalledExtensions {
  char* steam_rec_version = nullptr;  // palloc'd; NULL when steam_rec is not installed
  bool citus = false;                 // whether Citus is installed
  CatalogReadMark read;               // when this read stands for a later one
};
InstalledExtensions read_installed_extensions();

// Raises a clear error, with the command that fixes it, when the extension is
// missing, its SQL is newer than kLibraryVersion, or its version is no
// version number.  Cheap: pg_extension is read once per command at most, and
// not again, in later transactions too, while nothing can have changed it
// (catalog_read_mark.hpp).  The same read answers citus_installed().
void ensure_sql_matches_library();

}  // namespace steam_rec::pg
