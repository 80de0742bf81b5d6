// What recommend(), recommend_for_games(), similar_games() and
// refresh_recommendations() share: reading the filter arguments, handing
// games to the core, and returning ranked rows with names and reasons.
#pragma once

#include <vector>

#include "core/recommender.hpp"
#include "pg/model_cache.hpp"
#include "pg/postgres.hpp"
#include "pg/sql_contract.hpp"

extern "C" {
#include "utils/array.h"
}

namespace steam_rec::pg {

constexpr int32 kMaxK = 1000;

// One ranking request and its answer; lives in its own memory context.
struct Ranking {
  rec::RankRequest request;
  std::vector<rec::Recommendation> results;
  std::vector<std::string> unknown_include_tags, unknown_exclude_tags;  // requested, matching no tag
  bool include_only_nulls = false;  // include_tags had elements, all NULL: nothing is eligible
  MemoryContext context = nullptr;  // deleting it deletes the Ranking
};

enum class ReasonStyle { player, visitor, similar };

// Raises 22023 unless 1 <= k <= 1000.
void check_k(int32 k);

// Validates k and the filters (the arguments named k, exclude_owned,
// include_tags, exclude_tags, exclude_appids and diversity), prepares the
// result set; the caller then opens an SpiSession.
Ranking* begin_ranking(FunctionCallInfo fcinfo, const Arguments& arguments);
// The same for similar_games(appid, k): only k, owned game excluded.
Ranking* begin_similar(FunctionCallInfo fcinfo, const Arguments& arguments);

// The games the ranking starts from, each with its engagement weight, or
// all with the same one.
void add_games(Ranking* ranking, const int32* appids, const float* engagement, int count);
void add_games(Ranking* ranking, const int32* appids, float engagement, int count);
// The non-NULL elements of an int4 array, palloc'd.
int32* int4_elements(ArrayType* array, const char* name, int* count);

// Ranks, says in a NOTICE which requested tags no game has, looks up names,
// writes the result rows and deletes the ranking.  Call inside SPI.
void rank_and_return(FunctionCallInfo fcinfo, Ranking* ranking, const ActiveModel& model, ReasonStyle style);

// Ranks into ranking->results (for callers that write rows themselves).
void rank(Ranking* ranking, const ActiveModel& model);

// A Ranking for callers that fill the request themselves.
Ranking* new_ranking();
void delete_ranking(Ranking* ranking);

}  // namespace steam_rec::pg
