// Status: how a core function tells the glue whether it worked.
//
// A Status is plain data (no heap, trivially destructible), so the glue can
// hold one while it raises a PostgreSQL error without skipping a destructor.
#pragma once

#include <cstddef>

namespace steam_rec {

enum class StatusCode {
  ok,
  invalid_argument,  // the caller's input is wrong; the message says how
  out_of_memory,     // an allocation failed or would exceed the budget
  cancelled,         // the cancel check asked the core to stop
  internal           // a bug: anything else that escaped the core
};

struct Status {
  static constexpr std::size_t kMessageSize = 512;

  StatusCode code = StatusCode::ok;
  char message[kMessageSize] = {};

  bool ok() const noexcept { return code == StatusCode::ok; }

  static Status success() noexcept { return Status{}; }
  // Builds a failed status; the message is truncated to fit, never overflows.
  static Status failure(StatusCode code, const char* message) noexcept;
};

}  // namespace steam_rec
