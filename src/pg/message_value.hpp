// A value a caller passed, as an error or a notice quotes it.
#pragma once

#include "pg/postgres.hpp"

namespace steam_rec::pg {

// `value` cut at 64 bytes (at a character boundary) with "..." after, so a
// message stays readable whatever was passed: an algorithm name or a tag of
// 100,000 characters was echoed whole.  A shorter value is returned as is.
const char* value_for_message(const char* value);

// `text` from a fixed buffer of `buffer_size` bytes (a core Status, a caught
// exception's copy), as a message may say it: one that filled the buffer was
// cut, maybe inside a character of a long value it quoted, which made the
// message invalid in the server's encoding (and, for a client in another
// encoding, replaced it by a conversion error).  The partial character is
// dropped and "..." marks the cut.
const char* message_text(const char* text, size_t buffer_size);

}  // namespace steam_rec::pg
