// steam_rec.recommend(), recommend_for_games() and similar_games(): rank
// games with the active model (model_cache.hpp) and return them with names
// and reasons.
#include "core/guard.hpp"
#include "pg/core_object.hpp"
#include "pg/entry.hpp"
#include "pg/model_cache.hpp"
#include "pg/players.hpp"
#include "pg/ranking_io.hpp"
#include "pg/spi.hpp"
#include "pg/sql_contracts.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "funcapi.h"
}

namespace steam_rec::pg {
namespace {

// A visitor's listed games count as typically engaged-with.
constexpr float kVisitorEngagement = 0.5f;

}  // namespace
}  // namespace steam_rec::pg

using namespace steam_rec::pg;

STEAM_REC_FUNCTION(steam_rec_recommend) {
  const Arguments arguments(fcinfo, contracts::recommend);
  arguments.require("steam_id");
  const int64 steam_id = arguments.get<int64>("steam_id");
  Ranking* ranking = begin_ranking(fcinfo, arguments);
  SpiSession spi;
  PlayerGames games;
  ActiveModel model = active_model_and_games(steam_id, &games);
  if (games.count == 0) require_player(steam_id);
  add_games(ranking, games.appids, games.engagement, games.count);
  rank_and_return(fcinfo, ranking, model, ReasonStyle::player);
  spi.finish();
  return (Datum)0;
}

STEAM_REC_FUNCTION(steam_rec_recommend_for_games) {
  const Arguments arguments(fcinfo, contracts::recommend_for_games);
  arguments.require("appids");
  ArrayType* listed = arguments.get<ArrayType*>("appids");
  Ranking* ranking = begin_ranking(fcinfo, arguments);
  SpiSession spi;
  ActiveModel model = active_model();
  int count = 0;
  int32* appids = int4_elements(listed, "appids", &count);
  add_games(ranking, appids, kVisitorEngagement, count);
  rank_and_return(fcinfo, ranking, model, ReasonStyle::visitor);
  spi.finish();
  return (Datum)0;
}

STEAM_REC_FUNCTION(steam_rec_similar_games) {
  const Arguments arguments(fcinfo, contracts::similar_games);
  arguments.require("appid");
  int32 appid = arguments.get<int32>("appid");
  Ranking* ranking = begin_similar(fcinfo, arguments);
  SpiSession spi;
  ActiveModel model = active_model();
  if (model.recommender->view().game_index(appid) < 0)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("game %d is not known to the active model", appid),
                    errdetail("The model knows the games someone owned or that had tags when it was trained."),
                    errhint("Retrain to include newer games: SELECT steam_rec.train();")));
  add_games(ranking, &appid, 1.0f, 1);
  rank_and_return(fcinfo, ranking, model, ReasonStyle::similar);
  spi.finish();
  return (Datum)0;
}
