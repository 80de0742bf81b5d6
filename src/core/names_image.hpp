// The names image: every game name of the catalog as one snapshot saw it,
// in a flat, pointer-free buffer that is written to a file once and mapped
// by every backend of a server, so a fresh backend names its first results
// without reading catalog rows into memory of its own.
//
// Layout: a header (magic, format version, the stamp of the catalog state
// the names were read at, counts, a checksum of the whole buffer), then one
// entry per catalog row sorted by appid (appid, offset and length of its
// name), then the names, each followed by a NUL.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/status.hpp"

namespace steam_rec::rec {

constexpr std::uint32_t kNamesFormatVersion = 1;

// Names longer than this are not stored (a store title is under 300 bytes):
// the entry says so and the caller reads that one row itself, so a single
// huge name cannot make every backend's mapping large.
constexpr std::uint32_t kLongestStoredName = 4096;

// The catalog state names were read at.  Two images with the same stamp
// hold the same names: see catalog_names.cpp for why each part is needed.
struct NamesStamp {
  std::uint32_t database = 0;
  std::uint32_t catalog_table = 0;
  std::uint32_t catalog_file = 0;  // its relfilenode: a rewrite changes names without a count
  std::uint32_t counter_table = 0;
  std::int64_t changes = 0;           // steam_rec.catalog_changes.changes
  std::uint32_t writer = 0;           // the transaction that wrote that count
  std::uint32_t trigger_version = 0;  // the transaction that last wrote the counting trigger

  bool operator==(const NamesStamp& o) const {
    return database == o.database && catalog_table == o.catalog_table && catalog_file == o.catalog_file &&
           counter_table == o.counter_table && changes == o.changes && writer == o.writer &&
           trigger_version == o.trigger_version;
  }
};

// The bytes the image of `count` rows with these names (nullptr for NULL)
// takes.
std::size_t names_image_size(const char* const* names, std::size_t count) noexcept;

// Writes the image of `count` catalog rows into `out` (exactly
// names_image_size() bytes): appids sorted and distinct, names[i] the name of
// appids[i] or nullptr for a NULL name.
Status build_names_image(const NamesStamp& stamp, const std::int32_t* appids, const char* const* names,
                         std::size_t count, unsigned char* out, std::size_t size) noexcept;

// A checked image, read in place.
class NamesView {
 public:
  enum class Found { name, null_name, no_row, not_stored };

  // What the catalog held for `appid`; *name is set for Found::name.
  Found find(std::int32_t appid, const char** name) const noexcept;

 private:
  friend Status open_names_image(const void*, std::size_t, const NamesStamp&, NamesView*) noexcept;
  const unsigned char* entries_ = nullptr;
  const char* text_ = nullptr;
  std::size_t count_ = 0;
};

// Opens an image in place: checks the header, the stamp (must equal
// `expected`), the sizes, the checksum, that appids are sorted and that
// every name lies inside the buffer and ends with a NUL.  On failure the
// message says what was wrong and *view is untouched.
Status open_names_image(const void* data, std::size_t size, const NamesStamp& expected, NamesView* view) noexcept;

}  // namespace steam_rec::rec
