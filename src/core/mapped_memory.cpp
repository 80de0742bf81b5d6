#include "core/mapped_memory.hpp"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>

namespace steam_rec {
namespace {

std::atomic<std::size_t> held{0};
std::atomic<MappedBytesObserver> observer{nullptr};

void held_changed(std::ptrdiff_t change) noexcept {
  held.fetch_add(static_cast<std::size_t>(change), std::memory_order_relaxed);
  if (const MappedBytesObserver tell = observer.load(std::memory_order_relaxed)) tell(change);
}

void* map_anonymous(std::size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return p;
}

std::size_t page_size() noexcept {
  static const std::size_t size = [] {
    const long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? static_cast<std::size_t>(page) : std::size_t{4096};
  }();
  return size;
}

// Whole pages.
std::size_t mapped_length(std::size_t bytes) noexcept { return (bytes + page_size() - 1) / page_size() * page_size(); }

}  // namespace

void* map_block(std::size_t bytes) {
  if (bytes == 0 || bytes > static_cast<std::size_t>(-1) / 2) throw std::bad_alloc();
  const std::size_t length = mapped_length(bytes);
  void* block = nullptr;
  if (bytes < kMappedBlockBytes) {
    block = map_anonymous(length);
  } else {
    // Mapped 2 MiB larger, then trimmed to start on a 2 MiB boundary: only
    // aligned 2 MiB ranges can be given 2 MiB pages (a tail shorter than
    // that keeps 4 KiB ones, so the block holds no more than it asked for).
    char* const raw = static_cast<char*>(map_anonymous(length + kMappedBlockBytes));
    const auto address = reinterpret_cast<std::uintptr_t>(raw);
    char* const aligned = raw + (kMappedBlockBytes - address % kMappedBlockBytes) % kMappedBlockBytes;
    char* const end = raw + length + kMappedBlockBytes;
    // Both cuts are on page boundaries (2 MiB is a whole number of pages);
    // should one fail anyway, nothing is kept.
    if ((aligned > raw && munmap(raw, static_cast<std::size_t>(aligned - raw)) != 0) ||
        (end > aligned + length && munmap(aligned + length, static_cast<std::size_t>(end - (aligned + length))) != 0)) {
      munmap(raw, length + kMappedBlockBytes);
      throw std::bad_alloc();
    }
    // Only a hint: without transparent huge pages the mapping keeps 4 KiB ones.
    madvise(aligned, length, MADV_HUGEPAGE);
    block = aligned;
  }
  held_changed(static_cast<std::ptrdiff_t>(length));
  return block;
}

void unmap_block(void* block, std::size_t bytes) noexcept {
  if (block == nullptr) return;
  munmap(block, mapped_length(bytes));
  held_changed(-static_cast<std::ptrdiff_t>(mapped_length(bytes)));
}

bool huge_pages_available() noexcept {
  static const bool available = [] {
    if (prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1) return false;
    std::FILE* f = std::fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (f == nullptr) return false;
    char modes[128] = {};
    const bool read = std::fgets(modes, sizeof modes, f) != nullptr;
    std::fclose(f);
    return read && std::strstr(modes, "[never]") == nullptr;
  }();
  return available;
}

std::size_t mapped_bytes_held() noexcept { return held.load(std::memory_order_relaxed); }

void observe_mapped_bytes(MappedBytesObserver tell) noexcept { observer.store(tell, std::memory_order_relaxed); }

}  // namespace steam_rec
