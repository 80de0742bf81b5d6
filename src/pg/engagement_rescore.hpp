// The scores a running refresh_engagement() assigns, as SQL functions.
//
// refresh_engagement() rescores with one UPDATE statement:
//
//   UPDATE steam_rec.user_games
//      SET engagement_score  = steam_rec._rescore_score(<row>),
//          playtime_category = steam_rec._rescore_category(<row>)
//    WHERE steam_rec._rescore_changed(<row>, engagement_score, playtime_category)
//
// so rows are read and written by the executor in one pass, unchanged rows
// are not written at all, and a row changed concurrently is rescored from its
// new version (the executor rechecks it).  The three functions score from the
// model of the refresh in progress, installed here; outside a refresh they
// refuse to run.
#pragma once

#include "core/engagement_refresh_model.hpp"
#include "pg/postgres.hpp"

extern "C" {
#include "utils/timestamp.h"
}

namespace steam_rec::pg {

// Makes `model` the one the _rescore_* functions use until `context` is reset
// or deleted.
void install_rescore_model(const engagement::EngagementRefresh* model, TimestampTz as_of, MemoryContext context);

}  // namespace steam_rec::pg
