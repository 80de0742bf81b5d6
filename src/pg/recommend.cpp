// steam_rec.recommend(), recommend_for_games() and similar_games(): rank
// games with the active model (model_cache.hpp) and return them with names
// and reasons.
#include "core/guard.hpp"
#include "pg/core_object.hpp"
#include "pg/entry.hpp"
#include "pg/model_cache.hpp"
#include "pg/ranking_io.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "funcapi.h"
}

namespace steam_rec::pg {
namespace {

// A visitor's listed games count as typically engaged-with.
constexpr float kVisitorEngagement = 0.5f;

// A player who owns nothing must at least exist.
void require_player(int64 steam_id) {
  static SPIPlanPtr plan = nullptr;
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(steam_id)};
  if (run_saved(saved_plan(&plan, "SELECT FROM steam_rec.users WHERE steam_id OPERATOR(pg_catalog.=) $1", 1, types),
                values) == 0)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("player %lld does not exist", static_cast<long long>(steam_id)),
                    errhint("Players are rows of steam_rec.users; for a visitor without an account use "
                            "steam_rec.recommend_for_games(appids).")));
}

}  // namespace
}  // namespace steam_rec::pg

using namespace steam_rec::pg;

STEAM_REC_FUNCTION(steam_rec_recommend) {
  require_argument(fcinfo, 0, "steam_id");
  const int64 steam_id = PG_GETARG_INT64(0);
  Ranking* ranking = begin_ranking(fcinfo, 1);
  PlayerGames games;
  ActiveModel model = active_model_and_games(steam_id, &games);
  if (games.count == 0) require_player(steam_id);
  add_games(ranking, games.appids, games.engagement, games.count);
  rank_and_return(fcinfo, ranking, model, ReasonStyle::player);
  return (Datum)0;
}

STEAM_REC_FUNCTION(steam_rec_recommend_for_games) {
  require_argument(fcinfo, 0, "appids");
  ArrayType* listed = PG_GETARG_ARRAYTYPE_P(0);
  Ranking* ranking = begin_ranking(fcinfo, 1);
  ActiveModel model = active_model();
  int count = 0;
  int32* appids = int4_elements(listed, "appids", &count);
  auto* engagement = static_cast<float*>(palloc(sizeof(float) * (count > 0 ? count : 1)));
  for (int i = 0; i < count; ++i) engagement[i] = kVisitorEngagement;
  add_games(ranking, appids, engagement, count);
  rank_and_return(fcinfo, ranking, model, ReasonStyle::visitor);
  return (Datum)0;
}

STEAM_REC_FUNCTION(steam_rec_similar_games) {
  require_argument(fcinfo, 0, "appid");
  int32 appid = PG_GETARG_INT32(0);
  Ranking* ranking = begin_similar(fcinfo, 1);
  ActiveModel model = active_model();
  if (model.recommender->view().game_index(appid) < 0)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("game %d is not known to the active model", appid),
                    errdetail("The model knows the games someone owned or that had tags when it was trained."),
                    errhint("Retrain to include newer games: SELECT steam_rec.train();")));
  float engagement = 1.0f;
  add_games(ranking, &appid, &engagement, 1);
  rank_and_return(fcinfo, ranking, model, ReasonStyle::similar);
  return (Datum)0;
}
