#include "pg/owned_games_reader.hpp"

#include "core/guard.hpp"
#include "pg/entry.hpp"
#include "pg/spi.hpp"

namespace steam_rec::pg {

void read_owned_games(const char* cursor, const char* sql, rec::TrainingSet* data) {
  for_each_batch(cursor, sql, 0, nullptr, nullptr, [&](SPITupleTable* table, uint64 rows) {
    auto* players = static_cast<int64*>(palloc(sizeof(int64) * rows));
    auto* appids = static_cast<int32*>(palloc(sizeof(int32) * rows));
    auto* engagement = static_cast<float*>(palloc(sizeof(float) * rows));
    for (uint64 r = 0; r < rows; ++r) {
      bool is_null = true;
      HeapTuple tuple = table->vals[r];
      players[r] = DatumGetInt64(SPI_getbinval(tuple, table->tupdesc, 1, &is_null));
      appids[r] = DatumGetInt32(SPI_getbinval(tuple, table->tupdesc, 2, &is_null));
      Datum score = SPI_getbinval(tuple, table->tupdesc, 3, &is_null);
      engagement[r] = is_null ? 0.0f : DatumGetFloat4(score);
    }
    check(guard([&] {
            for (uint64 r = 0; r < rows; ++r) data->add_owned(players[r], appids[r], engagement[r]);
          }),
          "train");
    pfree(players);
    pfree(appids);
    pfree(engagement);
  });
}

}  // namespace steam_rec::pg
