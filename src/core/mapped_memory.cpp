#include "core/mapped_memory.hpp"

#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <new>

namespace steam_rec {
namespace {

constexpr std::size_t kPage = 4096;

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

// Whole 4 KiB pages.
std::size_t mapped_length(std::size_t bytes) noexcept { return (bytes + kPage - 1) / kPage * kPage; }

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
    if (aligned > raw) munmap(raw, static_cast<std::size_t>(aligned - raw));
    char* const end = raw + length + kMappedBlockBytes;
    if (end > aligned + length) munmap(aligned + length, static_cast<std::size_t>(end - (aligned + length)));
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

std::size_t mapped_bytes_held() noexcept { return held.load(std::memory_order_relaxed); }

void observe_mapped_bytes(MappedBytesObserver tell) noexcept { observer.store(tell, std::memory_order_relaxed); }

}  // namespace steam_rec
