#include "pg/players.hpp"

#include "pg/spi.hpp"

extern "C" {
#include "catalog/pg_type.h"
}

namespace steam_rec::pg {

void require_player(int64 steam_id) {
  static SPIPlanPtr plan = nullptr;
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(steam_id)};
  if (run_saved(saved_plan(&plan, "SELECT FROM steam_rec.users WHERE steam_id OPERATOR(pg_catalog.=) $1", 1, types),
                values) == 0)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("player %lld does not exist", static_cast<long long>(steam_id)),
                    errhint("Players are rows of steam_rec.users; add the player there first, or pass a list of "
                            "games to steam_rec.recommend_for_games(appids).")));
}

}  // namespace steam_rec::pg
