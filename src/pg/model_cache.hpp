// The active model, loaded once per backend.
//
// recommend() must not read a whole model per call.  The first call in a
// backend (and the first after another model becomes active) maps the
// model's shared image, or builds it from the model's rows, and keeps a
// rec::Recommender; later calls only check which model is active and that
// the caller still sees the model tables whole.  A caller under row-level
// security on them, or whose transaction wrote them, is served a model built
// from what it sees, for that call only.  What one backend holds is reported
// by steam_rec.model_cache_bytes() and documented in the README.
#pragma once

#include "core/model_image.hpp"
#include "core/recommender.hpp"
#include "pg/postgres.hpp"

namespace steam_rec::pg {

struct ActiveModel {
  int64 id;
  const char* algorithm;          // palloc'd
  rec::Recommender* recommender;  // pinned: see active_model()
};

// Must run inside SPI_connect.  Raises 55000 with a hint when no model is
// active.  The Recommender stays alive until the memory context current at
// the call is reset or deleted (normally the SPI procedure context, which
// SPI_finish or an abort deletes), even if another model is loaded meanwhile.
ActiveModel active_model();

// A player's owned games, palloc'd; engagement 0 where not scored.
struct PlayerGames {
  int count;
  int32* appids;
  float* engagement;
};

// The same, and the player's games (count 0 when the player owns nothing or
// does not exist).  Both are read by index without SQL when the caller may
// read models and user_games whole, else in one SQL query.
ActiveModel active_model_and_games(int64 steam_id, PlayerGames* games);

// What this backend serves from, for model_cache_bytes() and model_image():
// nothing before its first call.  Shared bytes are the mapped image file and
// the mapped names file (catalog_names_file.hpp), each counted whole; private
// bytes are the scratch, the image when this backend holds it in its own
// memory, and the names it keeps itself (catalog_names.hpp).
struct ServedModel {
  bool serving = false;
  bool mapped = false;  // from the image file, else from memory
  // Built from the rows a restricted caller saw: no file of the server's
  // is its image.
  bool restricted = false;
  rec::ImageKey key{};
  const char* image_name = nullptr;
  int64 image_bytes = 0;
  int64 shared_bytes = 0;
  int64 private_bytes = 0;
};
ServedModel served_model();

}  // namespace steam_rec::pg
