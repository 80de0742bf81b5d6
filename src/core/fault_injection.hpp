// A core function that fails on purpose, in each way a core function can
// fail.  SQL exposes it as steam_rec.boundary_selftest() so the regression
// tests (and a DBA checking a new build) can prove that every kind of C++
// failure becomes a clean SQL error instead of a crashed backend.
#pragma once

#include "core/cancel.hpp"
#include "core/status.hpp"

namespace steam_rec {

enum class SelftestFault {
  none,              // succeed
  invalid_argument,  // throw our own InvalidArgument
  bad_alloc,         // ask Eigen for an impossible matrix
  std_exception,     // throw a std::runtime_error
  unknown,           // throw something that is not a std::exception
  spin_until_cancel  // loop until the cancel check says stop
};

// Parses the SQL name of a fault ("none", "bad_alloc", ...); false if unknown.
bool parse_selftest_fault(const char* name, SelftestFault* fault) noexcept;

// The list of valid names, for error hints.
const char* selftest_fault_names() noexcept;

// Runs the fault.  On success, *checksum receives a small computed value so
// the caller can see real work was done.
Status run_selftest(SelftestFault fault, CancelCheck& cancel, double* checksum) noexcept;

}  // namespace steam_rec
