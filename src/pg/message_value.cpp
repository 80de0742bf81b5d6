#include "pg/message_value.hpp"

#include <algorithm>
#include <climits>
#include <cstring>

extern "C" {
#include "mb/pg_wchar.h"
}

namespace steam_rec::pg {

const char* value_for_message(const char* value) {
  constexpr int kShownBytes = 64;
  const size_t length = strlen(value);
  if (length <= static_cast<size_t>(kShownBytes)) return value;
  const int kept = pg_mbcliplen(value, static_cast<int>(std::min<size_t>(length, 1024)), kShownBytes);
  return psprintf("%.*s...", kept, value);
}

const char* message_text(const char* text, size_t buffer_size) {
  const size_t length = strnlen(text, buffer_size);
  if (length + 1 < buffer_size) return text;
  const int whole = static_cast<int>(std::min<size_t>(length, INT_MAX));
  return psprintf("%.*s...", pg_mbcliplen(text, whole, whole), text);
}

}  // namespace steam_rec::pg
