#include "pg/sqlstate_in_message.hpp"

#include <cstring>

namespace steam_rec::pg {
namespace {

constexpr char kOpening[] = " (SQLSTATE ";
constexpr size_t kOpeningLength = sizeof kOpening - 1;
constexpr size_t kSuffixLength = kOpeningLength + 5 + 1;  // five characters and ')'

}  // namespace

Datum with_sqlstate_in_message(Datum (*body)(FunctionCallInfo), FunctionCallInfo fcinfo) {
  MemoryContext caller_context = CurrentMemoryContext;
  Datum result = 0;
  PG_TRY();
  { result = body(fcinfo); }
  PG_CATCH();
  {
    MemoryContextSwitchTo(caller_context);
    ErrorData* error = CopyErrorData();
    FlushErrorState();
    error->message = psprintf("%s%s%s)", error->message != nullptr ? error->message : "", kOpening,
                              unpack_sql_state(error->sqlerrcode));
    ReThrowError(error);
  }
  PG_END_TRY();
  return result;
}

int sqlstate_at_end(const char* message, size_t* length) {
  *length = message == nullptr ? 0 : strlen(message);
  if (*length < kSuffixLength) return 0;
  const char* suffix = message + *length - kSuffixLength;
  if (strncmp(suffix, kOpening, kOpeningLength) != 0 || suffix[kSuffixLength - 1] != ')') return 0;
  const char* code = suffix + kOpeningLength;
  for (int i = 0; i < 5; ++i)
    if (!((code[i] >= '0' && code[i] <= '9') || (code[i] >= 'A' && code[i] <= 'Z'))) return 0;
  *length -= kSuffixLength;
  return MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4]);
}

}  // namespace steam_rec::pg
