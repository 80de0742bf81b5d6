#include "pg/training_data_size.hpp"

#include "pg/spi.hpp"

namespace steam_rec::pg {

rec::DataSize count_training_data() {
  // Players are counted from users (an upper bound that needs no sort).
  spi_run(
      "SELECT (SELECT pg_catalog.count(*) FROM steam_rec.users),"
      "       (SELECT pg_catalog.count(*) FROM (SELECT DISTINCT appid FROM steam_rec.user_games) AS g),"
      "       (SELECT pg_catalog.count(*) FROM steam_rec.user_games),"
      "       (SELECT pg_catalog.count(*) FROM steam_rec.game_tags)",
      0, nullptr, nullptr, SPI_OK_SELECT, true);
  rec::DataSize size;
  bool is_null = true;
  HeapTuple tuple = SPI_tuptable->vals[0];
  size.players = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &is_null));
  size.games = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &is_null));
  size.interactions = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 3, &is_null));
  size.tag_entries = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 4, &is_null));
  return size;
}

}  // namespace steam_rec::pg
