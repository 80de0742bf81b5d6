// steam_rec.version() returns the version of the loaded library.  It works
// whatever SQL version is installed, so it can be used to diagnose a skew.
#include "pg/entry.hpp"
#include "pg/version_check.hpp"

STEAM_REC_FUNCTION_CHECKED(steam_rec_version, steam_rec::pg::VersionCheck::skipped) {
  PG_RETURN_TEXT_P(cstring_to_text(steam_rec::pg::kLibraryVersion));
}
