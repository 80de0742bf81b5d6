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

void refuse_over_training_memory_limit(double need_bytes, const char* what) {
  const double limit = static_cast<double>(training_memory_limit_mb) * 1024 * 1024;
  if (need_bytes <= limit) return;
  const double need_mb = need_bytes / (1024 * 1024);
  ereport(ERROR,
          (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
           errmsg("%s needs about %.0f MB, more than steam_rec.training_memory_limit (%d MB)", what, need_mb,
                  training_memory_limit_mb),
           errhint("Raise the limit (SET steam_rec.training_memory_limit = '%.0fMB') if the server has the memory, "
                   "or choose an algorithm that needs less (itemknn or ials instead of ease).",
                   need_mb * 1.1 + 1)));
}

}  // namespace steam_rec::pg
