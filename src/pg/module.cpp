// The module itself: its magic block, its settings and steam_rec.version().
#include "pg/entry.hpp"
#include "pg/settings.hpp"
#include "pg/version_check.hpp"

extern "C" {
PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
void _PG_init(void) { steam_rec::pg::define_settings(); }
}

// steam_rec.version() returns the version of the loaded library.  It works
// whatever SQL version is installed, so it can be used to diagnose a skew.
STEAM_REC_FUNCTION_CHECKED(steam_rec_version, steam_rec::pg::VersionCheck::skipped) {
  PG_RETURN_TEXT_P(cstring_to_text(steam_rec::pg::kLibraryVersion));
}
