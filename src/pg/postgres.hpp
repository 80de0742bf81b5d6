// The PostgreSQL headers, as C++ sees them.  Every glue file includes this
// instead of including server headers directly.
#pragma once

// Only the functions the server must find are exported from steam_rec.so (the
// library is built with -fvisibility=hidden): PostgreSQL's own export marker is
// empty on this platform, so give it a meaning before c.h defines it.
#define PGDLLEXPORT __attribute__((visibility("default")))

extern "C" {
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/elog.h"
#include "utils/memutils.h"
}
