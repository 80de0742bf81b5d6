// Large blocks in memory mappings of their own: 2 MiB aligned, asked for
// 2 MiB pages, returned to the kernel when freed.
//
// A first write to a fresh 4 KiB page costs about 13 µs on the benchmark
// machine and 0.25 µs inside a 2 MiB page
// (bench/results/page-faults-2026-12-04.md); a training writes hundreds of
// megabytes of fresh arrays at scale L.  The hint is given only to these
// mappings, which nothing else ever reuses: given to memory from malloc(),
// it would outlive the block and reach the backend's later allocations.
// Neither AddressSanitizer nor valgrind sees past the end of a mapping's
// block as it does past a heap block's (sanitizer builds keep the arrays on
// the heap: kMapLargeArrays).  With transparent huge pages in "madvise" mode
// and defrag "madvise" (Debian's defaults) a fault in these mappings may wait
// for the kernel to compact memory (docs/operations.md, "Huge pages").
#pragma once

#include <cstddef>
#include <memory>

namespace steam_rec {

// Blocks this large and larger get a mapping of their own.
constexpr std::size_t kMappedBlockBytes = std::size_t{2} << 20;

// A zeroed mapping of `bytes` (> 0), in whole pages; throws
// std::bad_alloc.  Blocks of kMappedBlockBytes or more start on a 2 MiB
// boundary and carry the huge-page hint.  unmap_block() takes the same
// `bytes`.
void* map_block(std::size_t bytes);
void unmap_block(void* block, std::size_t bytes) noexcept;

// Bytes held in mappings of map_block() now, over every thread.
std::size_t mapped_bytes_held() noexcept;

// For the unit tests' count of the bytes a piece of work holds, which sees
// malloc() only: `observer` is called with each change of
// mapped_bytes_held() (nullptr: none).
using MappedBytesObserver = void (*)(std::ptrdiff_t change);
void observe_mapped_bytes(MappedBytesObserver observer) noexcept;

// Whether transparent huge pages can be had (not "never" in
// /sys/kernel/mm/transparent_hugepage/enabled, not turned off for this
// process); read once.  Without them a mapping of its own gains nothing, and
// the heap reuses pages it has touched where a fresh mapping faults again.
bool huge_pages_available() noexcept;

// Sanitizer builds keep large arrays on the heap, where AddressSanitizer's
// red zones see past their ends; the unit tests of the mapping name it.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kMapLargeArrays = false;
#else
constexpr bool kMapLargeArrays = true;
#endif

// A standard allocator for large arrays: a block of kMappedBlockBytes or more
// in a mapping of its own while huge pages can be had, anything else from the
// heap as usual.  Both calls for one block take the same path, as the choice
// is made once per process.
template <typename T, bool kMapLarge = kMapLargeArrays>
struct MappedAllocator {
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = MappedAllocator<U, kMapLarge>;
  };

  MappedAllocator() noexcept = default;
  template <typename U>
  MappedAllocator(const MappedAllocator<U, kMapLarge>&) noexcept {}  // NOLINT(google-explicit-constructor): rebinding

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_alloc();
    if (!mapped(n)) return std::allocator<T>().allocate(n);
    return static_cast<T*>(map_block(n * sizeof(T)));
  }

  void deallocate(T* p, std::size_t n) noexcept {
    if (!mapped(n)) {
      std::allocator<T>().deallocate(p, n);
      return;
    }
    unmap_block(p, n * sizeof(T));
  }

  template <typename U>
  bool operator==(const MappedAllocator<U, kMapLarge>&) const noexcept {
    return true;
  }
  template <typename U>
  bool operator!=(const MappedAllocator<U, kMapLarge>&) const noexcept {
    return false;
  }

 private:
  static bool mapped(std::size_t n) noexcept {
    return kMapLarge && n * sizeof(T) >= kMappedBlockBytes && huge_pages_available();
  }
};

}  // namespace steam_rec
