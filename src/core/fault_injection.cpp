#include "core/fault_injection.hpp"

#include <Eigen/Dense>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "core/guard.hpp"

namespace steam_rec {
namespace {

struct FaultName {
  const char* name;
  SelftestFault fault;
};

constexpr FaultName kFaults[] = {
    {"none", SelftestFault::none},           {"invalid_argument", SelftestFault::invalid_argument},
    {"bad_alloc", SelftestFault::bad_alloc}, {"std_exception", SelftestFault::std_exception},
    {"unknown", SelftestFault::unknown},     {"spin_until_cancel", SelftestFault::spin_until_cancel},
};

// A 3x3 solve: small real Eigen work for the success path.
double solve_small_system() {
  Eigen::Matrix3d a;
  a << 4, 1, 0, 1, 3, 1, 0, 1, 2;
  Eigen::Vector3d b(1, 2, 3);
  Eigen::Vector3d x = a.ldlt().solve(b);
  return x.sum();
}

}  // namespace

bool parse_selftest_fault(const char* name, SelftestFault* fault) noexcept {
  if (name == nullptr) return false;
  for (const FaultName& entry : kFaults) {
    if (std::strcmp(entry.name, name) == 0) {
      *fault = entry.fault;
      return true;
    }
  }
  return false;
}

const char* selftest_fault_names() noexcept {
  return "none, invalid_argument, bad_alloc, std_exception, unknown, spin_until_cancel";
}

Status run_selftest(SelftestFault fault, CancelCheck& cancel, double* checksum) noexcept {
  return guard([&] {
    *checksum = 0.0;
    switch (fault) {
      case SelftestFault::none:
        *checksum = solve_small_system();
        return;
      case SelftestFault::invalid_argument:
        throw InvalidArgument("selftest: this argument is invalid on purpose");
      case SelftestFault::bad_alloc: {
        // Far beyond any machine: Eigen's allocator throws std::bad_alloc.
        const Eigen::Index side = Eigen::Index{1} << 31;
        Eigen::MatrixXd impossible(side, side);
        *checksum = static_cast<double>(impossible.size());
        return;
      }
      case SelftestFault::std_exception:
        throw std::runtime_error("selftest: a std::runtime_error on purpose");
      case SelftestFault::unknown:
        throw 42;
      case SelftestFault::spin_until_cancel: {
        volatile double sink = 0.0;
        for (;;) {
          cancel.poll();
          sink = sink + 1.0;
          if (sink >= std::numeric_limits<double>::max()) break;
        }
        *checksum = sink;
        return;
      }
    }
  });
}

}  // namespace steam_rec
