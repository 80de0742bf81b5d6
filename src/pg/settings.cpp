#include "pg/settings.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string>

#include "core/algorithm_registry.hpp"
#include "core/catalog_lending.hpp"
#include "core/guard.hpp"
#include "core/parallel.hpp"
#include "pg/entry.hpp"
#include "pg/postgres.hpp"

extern "C" {
#include "utils/guc.h"
}

namespace steam_rec::pg {

int training_memory_limit_mb = 2048;
bool allow_drop = false;
int new_game_slots = 0;
int train_from_partial_sums = kPartialSumsAuto;

namespace {

// steam_rec.player's storage: the setting is for policies, steam_rec reads none of it.
char* player = nullptr;

// steam_rec.player is empty or a SteamID: row-level-security policies cast it
// to bigint, so a typo fails at SET instead of inside every query.
bool check_player(char** value, void**, GucSource) {
  if (*value == nullptr || **value == '\0') return true;
  char* end = nullptr;
  errno = 0;
  const long long id = strtoll(*value, &end, 10);
  if (errno == 0 && *end == '\0' && id > 0) return true;
  GUC_check_errcode(ERRCODE_INVALID_PARAMETER_VALUE);
  GUC_check_errdetail("steam_rec.player is the SteamID (a positive bigint) a session acts for, or empty.");
  return false;
}

}  // namespace

namespace {

int max_threads_setting = 1;

// Hands steam_rec.max_threads to the core, which starts at most that many
// threads per parallel loop.  Only stores an int: safe in any GUC context.
void assign_max_threads(int value, void*) { steam_rec::set_max_threads(value); }

// Defines steam_rec.max_threads.  The threads are the core's own, inside the
// backend's process, for the duration of one loop: they are not background
// workers and do not count against max_worker_processes.
void define_max_threads() {
  DefineCustomIntVariable("steam_rec.max_threads",
                          "Most threads one steam_rec call runs training, evaluate() and scoring on.",
                          "1 runs everything on the backend's own thread. The default is the number of cores. "
                          "Each backend starts its own threads: with many concurrent callers, lower it.",
                          &max_threads_setting, steam_rec::default_max_threads(), 1, steam_rec::kMaxThreads,
                          PGC_USERSET, 0, nullptr, assign_max_threads, nullptr);
}

const struct config_enum_entry partial_sums_modes[] = {{"off", kPartialSumsOff, false},
                                                       {"auto", kPartialSumsAuto, false},
                                                       {"on", kPartialSumsOn, false},
                                                       {nullptr, 0, false}};

}  // namespace

void define_settings() {
  define_max_threads();
  DefineCustomIntVariable("steam_rec.training_memory_limit", "Largest memory a steam_rec.train() call may use.",
                          "train() estimates its peak memory from the data before it reads it, "
                          "and refuses to start when the estimate exceeds this.",
                          &training_memory_limit_mb, 2048, 16, INT_MAX / 2, PGC_USERSET, GUC_UNIT_MB, nullptr, nullptr,
                          nullptr);
  // Read by the DROP guard, which also runs in sessions that have not loaded
  // this library (there it is a plain placeholder setting).
  DefineCustomBoolVariable("steam_rec.allow_drop",
                           "Lets DROP EXTENSION steam_rec (and drops that take it along) delete rows.",
                           "Off: dropping the extension is refused while its tables hold rows.", &allow_drop, false,
                           PGC_USERSET, 0, nullptr, nullptr, nullptr);
  // A per-call choice kept as a setting, so a service (or a role, or a
  // database) opts in without a new argument to every ranking function.
  DefineCustomIntVariable("steam_rec.new_game_slots", "Places of each recommend() list kept for new games.",
                          "Up to this many of the k places go to games nobody owned when the model was trained, "
                          "the ones whose tags are most like the player's games (needs a content or hybrid model). "
                          "0 ranks them like any other game.",
                          &new_game_slots, 0, 0, 1000, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  DefineCustomEnumVariable(
      "steam_rec.train_from_partial_sums", "How train() on a Citus coordinator reads the players' games.",
      "off pulls every row to the coordinator. on trains itemknn from sums each worker computes "
      "over its own shards. auto chooses the sums only when they move fewer bytes: when the "
      "co-owned game pairs (at most) are fewer than the rows.",
      &train_from_partial_sums, kPartialSumsAuto, partial_sums_modes, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable("steam_rec.player", "The player (SteamID) an application session acts for.",
                             "Not read by steam_rec itself: for row-level-security policies, "
                             "see the README. Empty means none.",
                             &player, "", PGC_USERSET, 0, check_player, nullptr, nullptr);
  // Every steam_rec.* name is now ours: a misspelt or invalid setting fails at
  // SET instead of being kept as a placeholder nobody reads.
  MarkGUCPrefixReserved("steam_rec");
}

void refuse_over_training_memory_limit(const char* doing, const rec::TrainParams& params, const rec::DataSize& size,
                                       double extra_bytes) {
  const double limit = static_cast<double>(training_memory_limit_mb) * 1024 * 1024;
  const double need_bytes = rec::training_memory_bytes(params, size) + extra_bytes;
  if (need_bytes <= limit) return;
  // Plain storage: the error below is raised with no C++ object alive.
  char lighter[Status::kMessageSize] = {};
  check(guard([&] {
          const std::string names = rec::algorithms_within(limit - extra_bytes, size, params.algorithm);
          strlcpy(lighter, names.c_str(), sizeof lighter);
        }),
        "the memory check");
  const double need_mb = need_bytes / (1024 * 1024);
  // The catalog's share, when it is counted: a catalog of long lists and
  // names can be most of it, and training without it may fit.
  const double catalog_mb = rec::uses_catalog(params) ? size.catalog_bytes / (1024 * 1024) : 0.0;
  // Likewise the tags' distinct names (game_tags may hold millions).
  const double names_mb = size.tag_name_bytes / (1024 * 1024);
  ereport(
      ERROR,
      (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
       errmsg("%s %s on %lld games and %lld players needs about %.0f MB, more than "
              "steam_rec.training_memory_limit (%d MB)",
              doing, rec::algorithm_name(params.algorithm), static_cast<long long>(size.games),
              static_cast<long long>(size.players), need_mb, training_memory_limit_mb),
       catalog_mb >= 1 && names_mb >= 1
           ? errdetail("The facts of steam_rec.catalog_cache take about %.0f MB of it, the distinct tag names of "
                       "steam_rec.game_tags about %.0f MB.",
                       catalog_mb, names_mb)
       : catalog_mb >= 1 ? errdetail("The facts of steam_rec.catalog_cache take about %.0f MB of it.", catalog_mb)
       : names_mb >= 1 ? errdetail("The distinct tag names of steam_rec.game_tags take about %.0f MB of it.", names_mb)
                       : 0,
       lighter[0] != '\0'
           ? errhint("Raise the limit (SET steam_rec.training_memory_limit = '%.0fMB') if the server has the "
                     "memory, or choose an algorithm that fits on this data: %s.",
                     need_mb * 1.1 + 1, lighter)
           : errhint("Raise the limit (SET steam_rec.training_memory_limit = '%.0fMB') if the server has the "
                     "memory; no algorithm fits in the present limit on this data.",
                     need_mb * 1.1 + 1)));
}

}  // namespace steam_rec::pg
