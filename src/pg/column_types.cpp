#include "pg/column_types.hpp"

extern "C" {
#include "utils/builtins.h"
#include "utils/lsyscache.h"
}

namespace steam_rec::pg {

bool is_type_or_domain_over(Oid actual, Oid expected) { return actual == expected || getBaseType(actual) == expected; }

void require_column_type(const char* table, const char* column, Oid actual, Oid expected) {
  if (is_type_or_domain_over(actual, expected)) return;
  ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                  errmsg("steam_rec.%s column \"%s\" is not of type %s", table, column, format_type_be(expected)),
                  errhint("%s", kRestoreColumnTypeHint)));
}

}  // namespace steam_rec::pg
