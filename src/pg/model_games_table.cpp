#include "pg/model_games_table.hpp"

#include <string>

extern "C" {
#include "executor/spi.h"
}

namespace steam_rec::pg {

const char* model_games_column_list() {
  static const std::string list = [] {
    std::string joined;
    for (const char* column : kModelGamesColumns) joined += (joined.empty() ? "" : ", ") + std::string(column);
    return joined;
  }();
  return list.c_str();
}

int model_games_attribute(TupleDesc descriptor, const char* name) {
  const int attribute = SPI_fnumber(descriptor, name);
  if (attribute <= 0) elog(ERROR, "steam_rec: the rows read from steam_rec.model_games have no column \"%s\"", name);
  return attribute;
}

}  // namespace steam_rec::pg
