// A value a caller passed, as an error or a notice quotes it.
#pragma once

#include "pg/postgres.hpp"

namespace steam_rec::pg {

// `value` cut at 64 bytes (at a character boundary) with "..." after, so a
// message stays readable whatever was passed: an algorithm name or a tag of
// 100,000 characters was echoed whole.  A shorter value is returned as is.
const char* value_for_message(const char* value);

}  // namespace steam_rec::pg
