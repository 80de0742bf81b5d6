#include "pg/message_value.hpp"

#include <algorithm>

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

}  // namespace steam_rec::pg
