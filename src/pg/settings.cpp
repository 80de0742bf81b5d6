#include "pg/settings.hpp"

#include <climits>

#include "pg/postgres.hpp"

extern "C" {
#include "utils/guc.h"
}

namespace steam_rec::pg {

int training_memory_limit_mb = 2048;

void define_settings() {
  DefineCustomIntVariable("steam_rec.training_memory_limit",
                          "Largest memory a steam_rec.train() call may use.",
                          "train() estimates its peak memory from the data before it reads it, "
                          "and refuses to start when the estimate exceeds this.",
                          &training_memory_limit_mb, 2048, 16, INT_MAX / 2, PGC_USERSET, GUC_UNIT_MB,
                          nullptr, nullptr, nullptr);
  // No MarkGUCPrefixReserved("steam_rec"): steam_rec.allow_drop is read by
  // SQL as a plain placeholder setting and must stay settable.
}

}  // namespace steam_rec::pg
