// The boundary every SQL-callable function of steam_rec passes through.
//
// STEAM_REC_FUNCTION(name) { ... } defines the C entry point `name` that the
// server calls.  The entry point:
//   1. checks that the installed SQL matches this library (version_check.hpp);
//   2. runs the body inside a C++ try block, so no C++ exception ever reaches
//      the server;
//   3. raises the matching PostgreSQL error only after the body's frames have
//      unwound, so an ereport() never jumps over a live C++ destructor.
//
// Rules for bodies:
//   - Call server functions directly only while no object with a destructor is
//     alive in the body.  Where one is (a std::vector, an Eigen matrix), wrap
//     server calls in pg_guard(), which turns a PostgreSQL error into a C++
//     exception that unwinds normally and is re-raised by the entry point.
//   - Report user errors with ereport() when nothing C++ is alive, or throw
//     SqlError otherwise.
//   - Run core work that may throw inside guard() (core/guard.hpp), and hand
//     its Status to check() once no C++ object is alive.
#pragma once

#include <string>

#include "core/cancel.hpp"
#include "core/status.hpp"
#include "pg/postgres.hpp"

namespace steam_rec::pg {

enum class VersionCheck {
  required,  // refuse to run when the installed SQL and the library differ
  skipped    // for functions that must work during a skew, such as version()
};

using FunctionBody = Datum (*)(FunctionCallInfo);

Datum call_guarded(FunctionBody body, FunctionCallInfo fcinfo, VersionCheck check);

// A PostgreSQL error caught by pg_guard(), carried through C++ frames.
// Trivially destructible: it only points at the copied ErrorData.
struct PgError {
  ErrorData* error;
};

// A user-facing SQL error raised from code that has C++ objects alive.
struct SqlError {
  int sqlstate;
  std::string message;
  std::string detail;
  std::string hint;
};

// Runs a server call; a PostgreSQL error it raises is rethrown as PgError.
template <typename Call>
void pg_guard(Call&& call) {
  MemoryContext caller_context = CurrentMemoryContext;
  ErrorData* volatile caught = nullptr;
  PG_TRY();
  { call(); }
  PG_CATCH();
  {
    MemoryContextSwitchTo(caller_context);
    caught = CopyErrorData();
    FlushErrorState();
  }
  PG_END_TRY();
  if (caught != nullptr) throw PgError{caught};
}

// A CancelCheck that asks the server whether a cancel or termination is
// pending.  It reads flags only; it never calls into the server.
CancelCheck server_cancel_check() noexcept;

// Raises the PostgreSQL error for a failed core Status (never returns).
// `what` names the operation, e.g. "train".  Call with no C++ object alive.
[[noreturn]] void raise_core_failure(const Status& status, const char* what);

// Raises the PostgreSQL error of a failed core Status; does nothing when it
// succeeded.  Call with no C++ object alive, as raise_core_failure().
inline void check(const Status& status, const char* what) {
  if (!status.ok()) raise_core_failure(status, what);
}

}  // namespace steam_rec::pg

// Defines the SQL-callable C function `name`; the braces that follow are its
// body, with `fcinfo` in scope as in any V1 function.
#define STEAM_REC_FUNCTION_CHECKED(name, check)                                                      \
  static Datum name##_body(FunctionCallInfo fcinfo);                                                 \
  extern "C" {                                                                                       \
  PGDLLEXPORT Datum name(PG_FUNCTION_ARGS);                                                          \
  PG_FUNCTION_INFO_V1(name);                                                                         \
  Datum name(PG_FUNCTION_ARGS) { return ::steam_rec::pg::call_guarded(name##_body, fcinfo, check); } \
  }                                                                                                  \
  static Datum name##_body(FunctionCallInfo fcinfo)

#define STEAM_REC_FUNCTION(name) STEAM_REC_FUNCTION_CHECKED(name, ::steam_rec::pg::VersionCheck::required)
