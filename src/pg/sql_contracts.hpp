// The one declaration of every SQL entry point's arguments (see
// sql_contract.hpp); definitions in sql_contracts.cpp.
#pragma once

#include "pg/sql_contract.hpp"

namespace steam_rec::pg::contracts {

extern const FunctionContract algorithms, boundary_selftest, co_ownership_sums, evaluate, guard_drop, keep_privileges,
    model_cache_bytes, model_cache_bytes_split, model_image, owned_game_totals, recommend, recommend_for_games,
    refresh_engagement, refresh_recommendations, refuse_in_transaction_block, rescore_category, rescore_changed,
    rescore_score, score_engagement, script_checksum, script_text, similar_games, train, train_params,
    user_games_engagement_trigger, version;

}  // namespace steam_rec::pg::contracts
