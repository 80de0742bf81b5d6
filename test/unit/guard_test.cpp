// The core's exception boundary: every failure becomes a Status.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "core/cancel.hpp"
#include "core/fault_injection.hpp"
#include "core/guard.hpp"

namespace steam_rec {
namespace {

Status run(SelftestFault fault, double* checksum = nullptr) {
  CancelCheck never;
  double ignored = 0;
  return run_selftest(fault, never, checksum ? checksum : &ignored);
}

TEST(Guard, SuccessDoesRealWork) {
  double checksum = 0;
  Status status = run(SelftestFault::none, &checksum);
  ASSERT_TRUE(status.ok());
  // x = A^-1 b for A = [[4,1,0],[1,3,1],[0,1,2]], b = (1,2,3): x = (2/9, 1/9, 13/9).
  EXPECT_NEAR(checksum, 16.0 / 9.0, 1e-12);
}

TEST(Guard, InvalidArgumentKeepsItsMessage) {
  Status status = run(SelftestFault::invalid_argument);
  EXPECT_EQ(status.code, StatusCode::invalid_argument);
  EXPECT_STREQ(status.message, "selftest: this argument is invalid on purpose");
}

TEST(Guard, BadAllocBecomesOutOfMemory) { EXPECT_EQ(run(SelftestFault::bad_alloc).code, StatusCode::out_of_memory); }

TEST(Guard, StdExceptionBecomesInternal) {
  Status status = run(SelftestFault::std_exception);
  EXPECT_EQ(status.code, StatusCode::internal);
  EXPECT_NE(std::strstr(status.message, "runtime_error"), nullptr);
}

TEST(Guard, NonStandardExceptionBecomesInternal) { EXPECT_EQ(run(SelftestFault::unknown).code, StatusCode::internal); }

TEST(Guard, LongMessageIsTruncatedNotOverflowed) {
  std::string huge(10 * Status::kMessageSize, 'x');
  Status status = guard([&] { throw InvalidArgument(huge); });
  EXPECT_EQ(status.code, StatusCode::invalid_argument);
  EXPECT_EQ(std::strlen(status.message), Status::kMessageSize - 1);
}

bool stop_after_three(void* context) noexcept {
  int* asked = static_cast<int*>(context);
  return ++*asked >= 3;
}

TEST(Cancel, SpinStopsWhenTheCheckSaysSo) {
  int asked = 0;
  CancelCheck cancel(stop_after_three, &asked);
  double checksum = 0;
  Status status = run_selftest(SelftestFault::spin_until_cancel, cancel, &checksum);
  EXPECT_EQ(status.code, StatusCode::cancelled);
  EXPECT_EQ(asked, 3);
}

TEST(Cancel, PollAsksOnlyEveryNthCall) {
  int asked = 0;
  CancelCheck cancel(stop_after_three, &asked);
  for (int i = 0; i < 99; ++i) cancel.poll(100);
  EXPECT_EQ(asked, 0);
  cancel.poll(100);
  EXPECT_EQ(asked, 1);
}

TEST(Selftest, ParsesEveryListedFaultAndRejectsOthers) {
  SelftestFault fault;
  EXPECT_TRUE(parse_selftest_fault("bad_alloc", &fault));
  EXPECT_EQ(fault, SelftestFault::bad_alloc);
  EXPECT_TRUE(parse_selftest_fault("spin_until_cancel", &fault));
  EXPECT_FALSE(parse_selftest_fault("Bad_Alloc", &fault));
  EXPECT_FALSE(parse_selftest_fault("", &fault));
  EXPECT_FALSE(parse_selftest_fault(nullptr, &fault));
}

}  // namespace
}  // namespace steam_rec
