#include "pg/sql_version_defaults.hpp"

#include <cstdlib>

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
  // "major.minor"; the versions steam_rec has shipped are all of that form.
  char* rest = nullptr;
  const long major = std::strtol(installed, &rest, 10);
  const long minor = *rest == '.' ? std::strtol(rest + 1, nullptr, 10) : 0;
  defaults.sql_version = static_cast<int>(major * 100 + minor);
  pfree(installed);
  return defaults;
}

}  // namespace steam_rec::pg
