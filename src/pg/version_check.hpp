// SQL/library skew detection.
//
// steam_rec.so is one unversioned library serving every SQL version of the
// extension.  After a package upgrade the library can be newer than the SQL
// objects in a database (or older, after a downgrade of the package); running
// then would read tables whose shape the library does not expect.
#pragma once

namespace steam_rec::pg {

// The extension version this library was built for; equals default_version in
// steam_rec.control (a regression test checks it).
inline constexpr const char* kLibraryVersion = "1.4";

// The version recorded in pg_extension for this database, palloc'd; NULL when
// the extension is not installed.
char* installed_sql_version();

// Raises a clear error, with the command that fixes it, unless the installed
// SQL version equals kLibraryVersion.  Cheap: checks once per command.
void ensure_sql_matches_library();

}  // namespace steam_rec::pg
