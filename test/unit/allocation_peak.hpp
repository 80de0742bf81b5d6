// The most bytes a piece of work holds at once, measured by a sanitizer's
// allocation hooks: the unit tests run under AddressSanitizer or
// ThreadSanitizer in the test command; elsewhere STEAM_REC_ALLOCATION_HOOKS
// is undefined and the tests that need it skip.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "core/mapped_memory.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Both runtimes define them; GCC installs no header that declares them.
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*on_allocation)(const volatile void*, std::size_t),
                                                         void (*on_free)(const volatile void*));
extern "C" std::size_t __sanitizer_get_allocated_size(const volatile void* p);
#define STEAM_REC_ALLOCATION_HOOKS 1

namespace steam_rec::test {

// Bytes allocated and not yet freed since counting began (any thread), and
// their largest value.  Inline: one set for the whole test binary.
inline std::atomic<bool> counting_allocations{false};
inline std::atomic<std::int64_t> live_bytes{0}, peak_live_bytes{0};

inline void add_live_bytes(std::int64_t change) {
  if (!counting_allocations.load(std::memory_order_relaxed)) return;
  const std::int64_t now = live_bytes.fetch_add(change) + change;
  std::int64_t seen = peak_live_bytes.load();
  while (now > seen && !peak_live_bytes.compare_exchange_weak(seen, now)) {
  }
}

inline void on_allocation(const volatile void*, std::size_t size) { add_live_bytes(static_cast<std::int64_t>(size)); }

// Large arrays in mappings of their own (mapped_memory.hpp) count too.
inline void on_mapped_bytes(std::ptrdiff_t change) { add_live_bytes(change); }

inline void on_free(const volatile void* p) {
  if (counting_allocations.load(std::memory_order_relaxed))
    live_bytes.fetch_sub(static_cast<std::int64_t>(__sanitizer_get_allocated_size(p)));
}

// Once per process: every pair installed is called for each allocation.
inline bool allocation_hooks_installed() {
  static const bool installed = [] {
    steam_rec::observe_mapped_bytes(on_mapped_bytes);
    return __sanitizer_install_malloc_and_free_hooks(on_allocation, on_free) != 0;
  }();
  return installed;
}

// The most bytes held at once while `work` runs, beyond those held before.
inline std::int64_t peak_bytes(const std::function<void()>& work) {
  EXPECT_TRUE(allocation_hooks_installed());
  live_bytes = 0;
  peak_live_bytes = 0;
  counting_allocations = true;
  work();
  counting_allocations = false;
  return peak_live_bytes.load();
}

}  // namespace steam_rec::test
#endif
