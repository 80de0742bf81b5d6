#include "pg/sql_version_defaults.hpp"

#include "pg/postgres.hpp"
#include "pg/version_check.hpp"

namespace steam_rec::pg {

rec::Defaults defaults_of_installed_sql() {
  return installed_sql_older_than(kDefaultsChangedIn) ? rec::Defaults::before_changes : rec::Defaults::current;
}

}  // namespace steam_rec::pg
