#include "core/names_image.hpp"

#include <cstring>

#include "core/image_checksum.hpp"

namespace steam_rec::rec {
namespace {

constexpr char kMagic[8] = {'S', 'R', 'N', 'A', 'M', 'E', 'S', '\0'};
// Lengths that mark an entry without a stored name.
constexpr std::uint32_t kNullName = 0xFFFFFFFFu, kNotStored = 0xFFFFFFFEu;
// Bounds that keep every offset and size well inside 32 and 64 bits.
constexpr std::size_t kMaxRows = std::size_t{1} << 26;
constexpr std::size_t kMaxText = std::size_t{1} << 31;

struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t reserved;
  NamesStamp stamp;
  std::uint64_t count;
  std::uint64_t text_bytes;  // NULs included
  std::uint64_t checksum;    // of the header with this field 0, then the rest
};

struct Entry {
  std::int32_t appid;
  std::uint32_t offset;
  std::uint32_t length;
};
static_assert(sizeof(Entry) == 12, "entries are packed");

Entry entry_at(const unsigned char* entries, std::size_t i) {
  Entry e;
  std::memcpy(&e, entries + i * sizeof(Entry), sizeof e);
  return e;
}

std::uint64_t checksum_of(const unsigned char* data, std::size_t size) {
  Header header;
  std::memcpy(&header, data, sizeof header);
  header.checksum = 0;
  const std::uint64_t h = image_checksum(&header, sizeof header, 0);
  return image_checksum(data + sizeof header, size - sizeof header, h);
}

bool stored(const char* name) { return name != nullptr && std::strlen(name) <= kLongestStoredName; }

}  // namespace

std::size_t names_image_size(const char* const* names, std::size_t count) noexcept {
  std::size_t text = 0;
  for (std::size_t i = 0; i < count; ++i)
    if (stored(names[i])) text += std::strlen(names[i]) + 1;
  return sizeof(Header) + count * sizeof(Entry) + text;
}

Status build_names_image(const NamesStamp& stamp, const std::int32_t* appids, const char* const* names,
                         std::size_t count, unsigned char* out, std::size_t size) noexcept {
  if (count > kMaxRows) return Status::failure(StatusCode::invalid_argument, "too many catalog rows for a names image");
  std::size_t text = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0 && appids[i] <= appids[i - 1])
      return Status::failure(StatusCode::invalid_argument, "catalog appids are not sorted and distinct");
    if (stored(names[i])) text += std::strlen(names[i]) + 1;
  }
  if (text > kMaxText) return Status::failure(StatusCode::invalid_argument, "catalog names too long for a names image");
  if (size != sizeof(Header) + count * sizeof(Entry) + text)
    return Status::failure(StatusCode::internal, "names image buffer of the wrong size");
  Header header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.version = kNamesFormatVersion;
  header.stamp = stamp;
  header.count = count;
  header.text_bytes = text;
  unsigned char* entries = out + sizeof(Header);
  char* text_out = reinterpret_cast<char*>(entries + count * sizeof(Entry));
  std::size_t used = 0;
  for (std::size_t i = 0; i < count; ++i) {
    Entry e{appids[i], 0, kNullName};
    if (names[i] != nullptr && !stored(names[i])) e.length = kNotStored;
    if (stored(names[i])) {
      const std::size_t length = std::strlen(names[i]);
      std::memcpy(text_out + used, names[i], length + 1);
      e.offset = static_cast<std::uint32_t>(used);
      e.length = static_cast<std::uint32_t>(length);
      used += length + 1;
    }
    std::memcpy(entries + i * sizeof(Entry), &e, sizeof e);
  }
  std::memcpy(out, &header, sizeof header);
  header.checksum = checksum_of(out, size);
  std::memcpy(out, &header, sizeof header);
  return Status::success();
}

Status open_names_image(const void* data, std::size_t size, const NamesStamp& expected, NamesView* view) noexcept {
  const auto* bytes = static_cast<const unsigned char*>(data);
  Header header;
  if (size < sizeof header) return Status::failure(StatusCode::invalid_argument, "shorter than its header");
  std::memcpy(&header, bytes, sizeof header);
  if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0)
    return Status::failure(StatusCode::invalid_argument, "not a names image");
  if (header.version != kNamesFormatVersion)
    return Status::failure(StatusCode::invalid_argument, "a names image of another format version");
  if (!(header.stamp == expected))
    return Status::failure(StatusCode::invalid_argument, "names of another catalog state");
  if (header.count > kMaxRows || header.text_bytes > kMaxText ||
      size != sizeof header + header.count * sizeof(Entry) + header.text_bytes)
    return Status::failure(StatusCode::invalid_argument, "its size does not match its counts");
  if (checksum_of(bytes, size) != header.checksum)
    return Status::failure(StatusCode::invalid_argument, "checksum mismatch");
  const unsigned char* entries = bytes + sizeof header;
  const char* text = reinterpret_cast<const char*>(entries + header.count * sizeof(Entry));
  for (std::size_t i = 0; i < header.count; ++i) {
    const Entry e = entry_at(entries, i);
    if (i > 0 && e.appid <= entry_at(entries, i - 1).appid)
      return Status::failure(StatusCode::invalid_argument, "appids out of order");
    if (e.length == kNullName || e.length == kNotStored) continue;
    if (e.length > kLongestStoredName || e.offset > header.text_bytes ||
        header.text_bytes - e.offset < std::size_t{e.length} + 1 || text[e.offset + e.length] != '\0')
      return Status::failure(StatusCode::invalid_argument, "a name outside the image");
  }
  view->entries_ = entries;
  view->text_ = text;
  view->count_ = header.count;
  return Status::success();
}

NamesView::Found NamesView::find(std::int32_t appid, const char** name) const noexcept {
  std::size_t low = 0, high = count_;
  while (low < high) {
    const std::size_t middle = low + (high - low) / 2;
    if (entry_at(entries_, middle).appid < appid)
      low = middle + 1;
    else
      high = middle;
  }
  if (low == count_) return Found::no_row;
  const Entry e = entry_at(entries_, low);
  if (e.appid != appid) return Found::no_row;
  if (e.length == kNullName) return Found::null_name;
  if (e.length == kNotStored) return Found::not_stored;
  *name = text_ + e.offset;
  return Found::name;
}

}  // namespace steam_rec::rec
