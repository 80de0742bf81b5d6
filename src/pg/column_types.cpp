#include "pg/column_types.hpp"

extern "C" {
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
}

namespace steam_rec::pg {

bool is_type_or_domain_over(Oid actual, Oid expected) { return actual == expected || getBaseType(actual) == expected; }

AttrNumber scanned_column(TupleDesc descriptor, const char* name, Oid type, Oid other_type) {
  const int number = SPI_fnumber(descriptor, name);
  if (number <= 0) return 0;
  const Oid actual = TupleDescAttr(descriptor, number - 1)->atttypid;
  const bool usable =
      is_type_or_domain_over(actual, type) || (OidIsValid(other_type) && is_type_or_domain_over(actual, other_type));
  return usable ? static_cast<AttrNumber>(number) : 0;
}

void require_column_type(const char* table, const char* column, Oid actual, Oid expected) {
  if (is_type_or_domain_over(actual, expected)) return;
  ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                  errmsg("steam_rec.%s column \"%s\" is not of type %s", table, column, format_type_be(expected)),
                  errhint("%s", kRestoreColumnTypeHint)));
}

}  // namespace steam_rec::pg
