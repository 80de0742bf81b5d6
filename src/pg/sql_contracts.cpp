// Every SQL entry point of the library and the arguments it reads, as the
// extension scripts declare them (names and types in SQL order).  To add an
// argument: add it to the function in a new migration, add it here (marked
// optional when older SQL versions lack it), and read it by name in the body.
#include "pg/sql_contracts.hpp"

#include <iterator>

namespace steam_rec::pg::contracts {
namespace {

// The arguments that steer a ranking, after the player or the games.
#define RANKING_ARGUMENTS                                                                                     \
  {"k", INT4OID}, {"exclude_owned", BOOLOID}, {"include_tags", TEXTARRAYOID}, {"exclude_tags", TEXTARRAYOID}, \
      {"exclude_appids", INT4ARRAYOID}, {                                                                     \
    "diversity", FLOAT4OID                                                                                    \
  }

// The user_games row that the _rescore_* functions score (unnamed in SQL).
#define RESCORED_ROW                                                                                                   \
  {"user_steam_id", INT8OID}, {"appid", INT4OID}, {"playtime_hours", FLOAT8OID}, {"playtime_2weeks_hours", FLOAT8OID}, \
  {                                                                                                                    \
    "last_played", TIMESTAMPTZOID                                                                                      \
  }

const ArgumentDecl evaluate_arguments[] = {
    {"algorithms", TEXTARRAYOID}, {"k", INT4OID},      {"holdout", FLOAT4OID}, {"seed", INT4OID},
    {"min_games", INT4OID},       {"target", TEXTOID}, {"params", JSONBOID},   {"validation", BOOLOID}};
const ArgumentDecl fault_argument[] = {{"fault", TEXTOID}};
const ArgumentDecl recommend_arguments[] = {{"steam_id", INT8OID}, RANKING_ARGUMENTS};
const ArgumentDecl recommend_for_games_arguments[] = {{"appids", INT4ARRAYOID}, RANKING_ARGUMENTS};
const ArgumentDecl steam_id_argument[] = {{"steam_id", INT8OID}};
const ArgumentDecl refresh_recommendations_arguments[] = {{"steam_id", INT8OID}, {"k", INT4OID}};
const ArgumentDecl what_argument[] = {{"what", TEXTOID}};
const ArgumentDecl rescored_row[] = {RESCORED_ROW};
const ArgumentDecl rescored_row_and_stored[] = {
    RESCORED_ROW, {"engagement_score", FLOAT4OID}, {"playtime_category", TEXTOID}};
const ArgumentDecl score_engagement_arguments[] = {
    {"playtime_hours", FLOAT8OID},         {"playtime_2weeks_hours", FLOAT8OID}, {"game_players", FLOAT8OID},
    {"game_log_median", FLOAT8OID},        {"game_log_spread", FLOAT8OID},       {"player_total_hours", FLOAT8OID},
    {"days_since_last_played", FLOAT8OID}, {"prior_log_median", FLOAT8OID},      {"prior_log_spread", FLOAT8OID},
    {"prior_median_weight", FLOAT8OID}};
const ArgumentDecl script_argument[] = {{"script", TEXTOID}};
const ArgumentDecl similar_games_arguments[] = {{"appid", INT4OID}, {"k", INT4OID}};
const ArgumentDecl train_arguments[] = {{"algorithm", TEXTOID}, {"params", JSONBOID}};
const ArgumentDecl co_ownership_sums_arguments[] = {{"algorithm", TEXTOID}, {"params", JSONBOID}, {"totals", BYTEAOID}};

#undef RANKING_ARGUMENTS
#undef RESCORED_ROW

template <std::size_t N>
constexpr FunctionContract with(const char* symbol, const char* sql_name, const ArgumentDecl (&arguments)[N]) {
  return FunctionContract{symbol, sql_name, arguments, static_cast<int>(N)};
}

constexpr FunctionContract without_arguments(const char* symbol, const char* sql_name) {
  return FunctionContract{symbol, sql_name, nullptr, 0};
}

}  // namespace

const FunctionContract algorithms = without_arguments("steam_rec_algorithms", "algorithms");
const FunctionContract co_ownership_sums =
    with("steam_rec_co_ownership_sums", "co_ownership_sums", co_ownership_sums_arguments);
const FunctionContract boundary_selftest = with("steam_rec_boundary_selftest", "boundary_selftest", fault_argument);
const FunctionContract evaluate = with("steam_rec_evaluate", "evaluate", evaluate_arguments);
const FunctionContract guard_drop = without_arguments("steam_rec_guard_drop", "_guard_drop");
const FunctionContract keep_privileges = without_arguments("steam_rec_keep_privileges", "_keep_privileges");
const FunctionContract owned_game_totals = with("steam_rec_owned_game_totals", "owned_game_totals", train_arguments);
const FunctionContract model_cache_bytes = without_arguments("steam_rec_model_cache_bytes", "model_cache_bytes");
const FunctionContract model_cache_bytes_split =
    without_arguments("steam_rec_model_cache_bytes_split", "model_cache_bytes");
const FunctionContract model_image = without_arguments("steam_rec_model_image", "model_image");
const FunctionContract recommend = with("steam_rec_recommend", "recommend", recommend_arguments);
const FunctionContract recommend_for_games =
    with("steam_rec_recommend_for_games", "recommend_for_games", recommend_for_games_arguments);
const FunctionContract refresh_engagement =
    with("steam_rec_refresh_engagement", "refresh_engagement", steam_id_argument);
const FunctionContract refresh_recommendations =
    with("steam_rec_refresh_recommendations", "refresh_recommendations", refresh_recommendations_arguments);
const FunctionContract refuse_in_transaction_block =
    with("steam_rec_refuse_in_transaction_block", "_refuse_in_transaction_block", what_argument);
const FunctionContract rescore_category = with("steam_rec_rescore_category", "_rescore_category", rescored_row);
const FunctionContract rescore_changed = with("steam_rec_rescore_changed", "_rescore_changed", rescored_row_and_stored);
const FunctionContract rescore_score = with("steam_rec_rescore_score", "_rescore_score", rescored_row);
const FunctionContract score_engagement =
    with("steam_rec_score_engagement", "score_engagement", score_engagement_arguments);
const FunctionContract script_checksum = with("steam_rec_script_checksum", "_script_checksum", script_argument);
const FunctionContract script_text = with("steam_rec_script_text", "_script_text", script_argument);
const FunctionContract similar_games = with("steam_rec_similar_games", "similar_games", similar_games_arguments);
const FunctionContract train = with("steam_rec_train", "train", train_arguments);
const FunctionContract train_params = with("steam_rec_train_params", "train_params", train_arguments);
const FunctionContract user_games_engagement_trigger =
    without_arguments("steam_rec_user_games_engagement_trigger", "user_games_engagement_trigger");
const FunctionContract version = without_arguments("steam_rec_version", "version");

}  // namespace steam_rec::pg::contracts

namespace steam_rec::pg {

const FunctionContract* const* all_contracts(int* count) {
  using namespace contracts;
  static const FunctionContract* const every[] = {&algorithms,
                                                  &boundary_selftest,
                                                  &co_ownership_sums,
                                                  &evaluate,
                                                  &guard_drop,
                                                  &keep_privileges,
                                                  &model_cache_bytes,
                                                  &model_cache_bytes_split,
                                                  &model_image,
                                                  &owned_game_totals,
                                                  &recommend,
                                                  &recommend_for_games,
                                                  &refresh_engagement,
                                                  &refresh_recommendations,
                                                  &refuse_in_transaction_block,
                                                  &rescore_category,
                                                  &rescore_changed,
                                                  &rescore_score,
                                                  &score_engagement,
                                                  &script_checksum,
                                                  &script_text,
                                                  &similar_games,
                                                  &train,
                                                  &train_params,
                                                  &user_games_engagement_trigger,
                                                  &version};
  *count = static_cast<int>(std::size(every));
  return every;
}

}  // namespace steam_rec::pg
