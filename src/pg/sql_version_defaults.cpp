#include "pg/sql_version_defaults.hpp"

#include "pg/model_reranker_rows.hpp"
#include "pg/postgres.hpp"
#include "pg/version_check.hpp"

namespace steam_rec::pg {

rec::Defaults defaults_of_installed_sql() {
  rec::Defaults defaults;
  // What refuse_unstorable_rerank() asks, so a default is never refused.
  const InstalledExtensions extensions = read_installed_extensions();
  defaults.stores_reranker = model_rerankers_stored() && !extensions.citus;
  char* installed = extensions.steam_rec_version;
  if (installed == nullptr) return defaults;  // not installed: the newest
  // The version check refused any other form before; the newest if one
  // was written since.
  const int number = sql_version_number(installed);
  if (number >= 0) defaults.sql_version = number;
  pfree(installed);
  return defaults;
}

}  // namespace steam_rec::pg
