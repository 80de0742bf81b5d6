// The model image: one flat, pointer-free buffer holding a trained model and
// everything ranking derives from it, laid out so it can be written to a file
// once and read in place (mapped) by every backend of a server.
//
// Layout: a fixed header (magic, format version, the key of the model it was
// built from, counts, serving settings, the offset and length of each
// section, a checksum of the whole buffer), then the sections, each aligned
// to 64 bytes.  Nothing in it is a pointer; a view (model_view.hpp) is made
// of the buffer's address plus offsets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/cancel.hpp"
#include "core/game_model.hpp"
#include "core/model_view.hpp"
#include "core/status.hpp"

namespace steam_rec::rec {

// 4: the re-ranker's facts and weights.
constexpr std::uint32_t kImageFormatVersion = 4;

// What an image was built from.  Two images with the same key hold the same
// model: the models table is the table's OID (a new one after DROP and CREATE
// EXTENSION or a restore), trained_at the row's timestamp in microseconds,
// rules a hash of the row's algorithm and parameters, which decide how the
// stored rows are read and blended (a row changed by hand, committed or not,
// names another image).
struct ImageKey {
  std::uint32_t database = 0;
  std::uint32_t models_table = 0;
  std::int64_t model_id = 0;
  std::int64_t trained_at = 0;
  std::uint64_t rules = 0;

  bool operator==(const ImageKey& o) const {
    return database == o.database && models_table == o.models_table && model_id == o.model_id &&
           trained_at == o.trained_at && rules == o.rules;
  }
};

// Builds the image of a valid model (the model is validated first), polling
// `cancel` in its long steps: iALS's factor Gram (a second at 512 factors)
// and the fill of the image's memory (8 MiB between polls).
Status build_model_image(const GameModel& model, const ImageKey& key, std::vector<unsigned char>* image,
                         CancelCheck cancel = CancelCheck()) noexcept;

// Opens an image in place: checks the header, that every section lies inside
// the buffer with the size its counts imply, the checksum, and every offset
// and index bound, so ranking can never read outside the buffer.  `expected`,
// when given, must equal the image's key.  On failure the message says what
// was wrong (invalid_argument) and *view is untouched.
Status open_model_image(const void* data, std::size_t size, const ImageKey* expected, ModelView* view) noexcept;

// Opens an image whose bytes open_model_image() has already accepted (the
// caller vouches that they have not changed since, e.g. a file it knows was
// not written to): checks the header, the section layout and the key only,
// so opening costs no read of the body.  Never use it on bytes nobody checked.
Status open_checked_model_image(const void* data, std::size_t size, const ImageKey* expected, ModelView* view) noexcept;

// The key stored in an image's header, without validating the rest; false
// when the buffer is too short or not an image of this format.
bool read_image_key(const void* data, std::size_t size, ImageKey* key) noexcept;

}  // namespace steam_rec::rec
