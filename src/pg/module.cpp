// The module itself: its magic block and, when loaded, its settings.
#include "pg/entry.hpp"
#include "pg/settings.hpp"

extern "C" {
PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
void _PG_init(void) { steam_rec::pg::define_settings(); }
}
