// The column types that reads and writes of steam_rec's tables rely on.
#pragma once

#include "pg/postgres.hpp"

extern "C" {
#include "access/tupdesc.h"
}

namespace steam_rec::pg {

inline constexpr const char* kRestoreColumnTypeHint =
    "Restore the column's type: steam_rec reads and writes its columns as the types it made.";

// Whether `actual` is `expected` or a domain over it.
bool is_type_or_domain_over(Oid actual, Oid expected);

// The number of column `name` if it has type `type` (or `other_type`, when
// valid; a domain over either counts), else 0: a direct read decodes a column
// only as the type it expects, and leaves any other to SQL, which casts it or
// reports it in its own words.
AttrNumber scanned_column(TupleDesc descriptor, const char* name, Oid type, Oid other_type = InvalidOid);

// Refuses (42804, the column named) column `column` of steam_rec.`table`
// when an owner changed its type to another than the extension made (a
// domain over it is the same type): its values would be read as the
// original type, a json as a jsonb or an int4 as an array pointer (and a
// float4 written into a numeric column as a pointer).
void require_column_type(const char* table, const char* column, Oid actual, Oid expected);

}  // namespace steam_rec::pg
