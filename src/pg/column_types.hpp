// The column types that reads and writes of steam_rec's tables rely on.
#pragma once

#include "pg/postgres.hpp"

namespace steam_rec::pg {

inline constexpr const char* kRestoreColumnTypeHint =
    "Restore the column's type: steam_rec reads and writes its columns as the types it made.";

// Whether `actual` is `expected` or a domain over it.
bool is_type_or_domain_over(Oid actual, Oid expected);

// Refuses (42804, the column named) column `column` of steam_rec.`table`
// when an owner changed its type to another than the extension made (a
// domain over it is the same type): its values would be read as the
// original type, a json as a jsonb or an int4 as an array pointer (and a
// float4 written into a numeric column as a pointer).
void require_column_type(const char* table, const char* column, Oid actual, Oid expected);

}  // namespace steam_rec::pg
