#include "core/image_checksum.hpp"

#include <cstring>

namespace steam_rec::rec {
namespace {

constexpr std::uint64_t kOdd1 = 0x9E3779B97F4A7C15ull;
constexpr std::uint64_t kOdd2 = 0xD6E8FEB86659FD93ull;
constexpr std::uint64_t kOdd3 = 0xFF51AFD7ED558CCDull;

inline std::uint64_t rotate_left(std::uint64_t x, int bits) { return (x << bits) | (x >> (64 - bits)); }

inline std::uint64_t load(const unsigned char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// One lane step: mixes a word in so that every bit of it reaches many bits.
inline std::uint64_t absorb(std::uint64_t lane, std::uint64_t word) {
  return rotate_left(lane + word * kOdd2, 31) * kOdd1;
}

// Spreads every input bit over the whole result.
inline std::uint64_t finalise(std::uint64_t h) {
  h ^= h >> 33;
  h *= kOdd3;
  h ^= h >> 29;
  h *= kOdd2;
  h ^= h >> 32;
  return h;
}

}  // namespace

std::uint64_t image_checksum(const void* data, std::size_t size, std::uint64_t seed) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t lane[4] = {seed + kOdd1, seed ^ kOdd2, seed - kOdd1, seed ^ kOdd3};
  std::size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    lane[0] = absorb(lane[0], load(p + i));
    lane[1] = absorb(lane[1], load(p + i + 8));
    lane[2] = absorb(lane[2], load(p + i + 16));
    lane[3] = absorb(lane[3], load(p + i + 24));
  }
  for (; i + 8 <= size; i += 8) lane[0] = absorb(lane[0], load(p + i));
  std::uint64_t tail = 0;
  if (i < size) std::memcpy(&tail, p + i, size - i);
  lane[1] = absorb(lane[1], tail);
  std::uint64_t h = static_cast<std::uint64_t>(size) * kOdd3;
  for (std::uint64_t l : lane) h = rotate_left(h ^ finalise(l), 27) * kOdd1 + kOdd2;
  return finalise(h);
}

}  // namespace steam_rec::rec
