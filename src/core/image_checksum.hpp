// The checksum of a model image: a 64-bit hash over four interleaved lanes.
//
// Every backend verifies the whole image when it maps it, so the checksum
// must run near memory speed; four independent multiply-rotate lanes keep the
// CPU busy where a byte-at-a-time CRC would not.  It detects corruption, it
// does not authenticate: the image directory belongs to the server's user.
#pragma once

#include <cstddef>
#include <cstdint>

namespace steam_rec::rec {

// Hashes `size` bytes; `seed` chains calls (pass the previous result).
std::uint64_t image_checksum(const void* data, std::size_t size, std::uint64_t seed) noexcept;

}  // namespace steam_rec::rec
