// Large blocks in mappings of their own (MappedAllocator, DenseMatrix):
// zeroed, on a 2 MiB boundary with the huge-page hint, unmapped when they go.
#include "core/mapped_memory.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "core/dense_matrix.hpp"

using steam_rec::huge_pages_available;
using steam_rec::kMappedBlockBytes;
using steam_rec::mapped_bytes_held;
using steam_rec::rec::DenseMatrix;

namespace {

constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;

// The VmFlags line of /proc/self/smaps for the mapping that holds `address`.
std::string vm_flags_of(const void* address) {
  const auto a = reinterpret_cast<std::uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t begin = 0, end = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> begin >> dash >> end && dash == '-') {
      inside = begin <= a && a < end;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0) return line;
  }
  return "";
}

bool mapped(const void* address) {
  const long page = sysconf(_SC_PAGESIZE);
  const auto a = reinterpret_cast<std::uintptr_t>(address) / page * page;
  unsigned char resident = 0;
  return mincore(reinterpret_cast<void*>(a), static_cast<std::size_t>(page), &resident) == 0 || errno != ENOMEM;
}

// The allocator as the server builds it (sanitizer builds keep their large
// arrays on the heap).
template <typename T>
using MappedAllocator = steam_rec::MappedAllocator<T, true>;

}  // namespace

TEST(DenseMatrix, StartsZeroedAndKeepsWhatIsWritten) {
  DenseMatrix m(300, 200);
  EXPECT_EQ(m.rows(), 300);
  EXPECT_EQ(m.cols(), 200);
  EXPECT_EQ(m.matrix().cwiseAbs().maxCoeff(), 0.0);
  m(299, 199) = 2.5;
  m.matrix().col(3).setConstant(-1);
  EXPECT_EQ(m(299, 199), 2.5);
  EXPECT_EQ(m.matrix().sum(), 2.5 - 300);
}

TEST(DenseMatrix, ALargeOneStartsOnA2MiBBoundaryAndAsksForHugePages) {
  DenseMatrix large(1000, 1000);  // 8 MB
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(large.matrix().data()) % kHugePage, 0u);
  EXPECT_NE(vm_flags_of(large.matrix().data()).find(" hg"), std::string::npos) << vm_flags_of(large.matrix().data());
  // A small one is left to the kernel's pages.
  DenseMatrix small(10, 10);
  const std::string flags = vm_flags_of(small.matrix().data());
  ASSERT_FALSE(flags.empty());
  EXPECT_EQ(flags.find(" hg"), std::string::npos) << flags;
}

TEST(DenseMatrix, ItsMemoryGoesBackWhenItIsDestroyed) {
  const double* data = nullptr;
  {
    DenseMatrix large(1000, 1000);
    data = large.matrix().data();
    large(999, 999) = 1;
    ASSERT_TRUE(mapped(data));
    ASSERT_TRUE(mapped(data + 999 * 1000 + 999));
  }
  EXPECT_FALSE(mapped(data));
  EXPECT_FALSE(mapped(data + 999 * 1000 + 999));
}

TEST(DenseMatrix, MovedAndSwappedMatricesKeepTheirValues) {
  DenseMatrix a(3, 2), b(500, 600);
  a(2, 1) = 7;
  b(499, 599) = 9;
  const double* b_data = b.matrix().data();
  a.swap(b);
  EXPECT_EQ(a.rows(), 500);
  EXPECT_EQ(a(499, 599), 9);
  EXPECT_EQ(a.matrix().data(), b_data);
  EXPECT_EQ(b.cols(), 2);
  EXPECT_EQ(b(2, 1), 7);
  DenseMatrix c(std::move(a));
  EXPECT_EQ(c(499, 599), 9);
  EXPECT_EQ(a.rows(), 0);  // NOLINT(bugprone-use-after-move): a moved-from matrix is empty
  c = std::move(b);
  EXPECT_EQ(c(2, 1), 7);
  EXPECT_FALSE(mapped(b_data));  // the 500 x 600 mapping went with the assignment
}

TEST(DenseMatrix, AnEmptyOneHasNoMappingAndAnImpossibleOneThrows) {
  DenseMatrix empty(0, 5);
  EXPECT_EQ(empty.matrix().size(), 0);
  EXPECT_THROW(DenseMatrix(Eigen::Index{1} << 40, Eigen::Index{1} << 40), std::bad_alloc);
  EXPECT_THROW(DenseMatrix(-1, 3), std::bad_alloc);
}

TEST(MappedAllocator, AnArrayOf2MiBOrMoreHasAMappingOfItsOwnAndGivesItBack) {
  if (!huge_pages_available()) GTEST_SKIP() << "transparent huge pages are off: large arrays stay on the heap";
  const std::size_t before = mapped_bytes_held();
  const int* data = nullptr;
  {
    std::vector<int, MappedAllocator<int>> large(kMappedBlockBytes / sizeof(int) + 1, 7);
    data = large.data();
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(data) % kHugePage, 0u);
    EXPECT_NE(vm_flags_of(data).find(" hg"), std::string::npos) << vm_flags_of(data);
    EXPECT_EQ(mapped_bytes_held() - before, kMappedBlockBytes + static_cast<std::size_t>(sysconf(_SC_PAGESIZE)));
    EXPECT_EQ(large.back(), 7);
  }
  EXPECT_EQ(mapped_bytes_held(), before);
  EXPECT_FALSE(mapped(data));
}

TEST(MappedAllocator, ASmallArrayComesFromTheHeap) {
  const std::size_t before = mapped_bytes_held();
  std::vector<int, MappedAllocator<int>> small(1000, 1);
  EXPECT_EQ(mapped_bytes_held(), before);
  EXPECT_EQ(vm_flags_of(small.data()).find(" hg"), std::string::npos);
}

TEST(MappedAllocator, AnArrayGrowingPastTheThresholdKeepsItsValues) {
  if (!huge_pages_available()) GTEST_SKIP() << "transparent huge pages are off: large arrays stay on the heap";
  const std::size_t before = mapped_bytes_held();
  std::vector<std::int64_t, MappedAllocator<std::int64_t>> grown;
  const auto count = static_cast<std::int64_t>(3 * kMappedBlockBytes / sizeof(std::int64_t));
  for (std::int64_t i = 0; i < count; ++i) grown.push_back(i * 3);
  for (std::int64_t i = 0; i < count; i += 4099) ASSERT_EQ(grown[static_cast<std::size_t>(i)], i * 3);
  EXPECT_GE(mapped_bytes_held() - before, 3 * kMappedBlockBytes);
  grown = {};
  grown.shrink_to_fit();
  EXPECT_EQ(mapped_bytes_held(), before);
}

TEST(MappedAllocator, SanitizerBuildsAndTheHeapOnlyFormKeepLargeArraysOnTheHeap) {
  const std::size_t before = mapped_bytes_held();
  std::vector<int, steam_rec::MappedAllocator<int, false>> large(kMappedBlockBytes / sizeof(int) + 1, 7);
  EXPECT_EQ(mapped_bytes_held(), before);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  EXPECT_FALSE(steam_rec::kMapLargeArrays);
#endif
}

TEST(MappedAllocator, HugePagesAreAvailableExactlyWhenTheKernelOffersThem) {
  std::ifstream enabled("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  std::getline(enabled, modes);
  EXPECT_EQ(huge_pages_available(), !modes.empty() && modes.find("[never]") == std::string::npos) << modes;
}
