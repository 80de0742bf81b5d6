#include "pg/entry.hpp"

#include <cstring>
#include <exception>
#include <new>

#include "pg/message_value.hpp"
#include "pg/version_check.hpp"

namespace steam_rec::pg {
namespace {

enum class Caught { nothing, pg_error, sql_error, out_of_memory, cpp_exception, unknown };

// What the try block caught, copied into plain storage so it outlives the
// exception object and can be reported after every C++ frame is gone.
struct PendingError {
  Caught kind = Caught::nothing;
  ErrorData* pg_error = nullptr;
  int sqlstate = 0;
  char message[1024] = {};
  char detail[1024] = {};
  char hint[512] = {};
};

template <std::size_t N>
void copy_text(char (&target)[N], const char* text) noexcept {
  std::strncpy(target, text != nullptr ? text : "", N - 1);
  target[N - 1] = '\0';
}

bool server_wants_stop(void*) noexcept { return QueryCancelPending || ProcDiePending; }

[[noreturn]] void raise_pending(const PendingError& pending) {
  switch (pending.kind) {
    case Caught::pg_error:
      ReThrowError(pending.pg_error);
    case Caught::sql_error:
      ereport(ERROR, (errcode(pending.sqlstate), errmsg("%s", message_text(pending.message, sizeof pending.message)),
                      pending.detail[0] ? errdetail("%s", message_text(pending.detail, sizeof pending.detail)) : 0,
                      pending.hint[0] ? errhint("%s", message_text(pending.hint, sizeof pending.hint)) : 0));
      break;
    case Caught::out_of_memory:
      ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory in steam_rec"),
                      errhint("Reduce the size of the request or raise the server's memory.")));
      break;
    case Caught::cpp_exception:
    case Caught::unknown:
    case Caught::nothing:
      break;
  }
  ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                  errmsg("steam_rec internal error: %s", message_text(pending.message, sizeof pending.message)),
                  errhint("This is a bug in steam_rec; please report it with the statement that caused it.")));
  pg_unreachable();
}

}  // namespace

Datum call_guarded(FunctionBody body, FunctionCallInfo fcinfo, VersionCheck check) {
  if (check == VersionCheck::required) ensure_sql_matches_library();

  PendingError pending;
  Datum result = 0;
  try {
    result = body(fcinfo);
  } catch (const PgError& e) {
    pending.kind = Caught::pg_error;
    pending.pg_error = e.error;
  } catch (const SqlError& e) {
    pending.kind = Caught::sql_error;
    pending.sqlstate = e.sqlstate;
    copy_text(pending.message, e.message.c_str());
    copy_text(pending.detail, e.detail.c_str());
    copy_text(pending.hint, e.hint.c_str());
  } catch (const std::bad_alloc&) {
    pending.kind = Caught::out_of_memory;
  } catch (const std::exception& e) {
    pending.kind = Caught::cpp_exception;
    copy_text(pending.message, e.what());
  } catch (...) {
    pending.kind = Caught::unknown;
    copy_text(pending.message, "unknown C++ exception");
  }
  // Every C++ object of the body is destroyed by now: reporting is safe.
  if (pending.kind != Caught::nothing) raise_pending(pending);
  return result;
}

CancelCheck server_cancel_check() noexcept { return CancelCheck(server_wants_stop, nullptr); }

void raise_core_failure(const Status& status, const char* what) {
  const char* message = message_text(status.message, sizeof status.message);
  switch (status.code) {
    case StatusCode::invalid_argument:
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s", message)));
      break;
    case StatusCode::out_of_memory:
      ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory during %s", what), errdetail("%s", message),
                      errhint("Reduce the size of the request or raise the server's memory.")));
      break;
    case StatusCode::cancelled:
      // The core stopped because an interrupt is pending: let the server
      // report it (cancel, statement_timeout or termination) in its own words.
      CHECK_FOR_INTERRUPTS();
      ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED), errmsg("canceling %s", what)));
      break;
    case StatusCode::ok:
    case StatusCode::internal:
      break;
  }
  ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("steam_rec internal error during %s: %s", what, message),
                  errhint("This is a bug in steam_rec; please report it with the statement that caused it.")));
  pg_unreachable();
}

}  // namespace steam_rec::pg
