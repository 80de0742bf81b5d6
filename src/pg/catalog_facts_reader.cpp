#include "pg/catalog_facts_reader.hpp"

#include <cstring>

namespace steam_rec::pg {

namespace {

// Whether every column of catalog_cache `query` counts (a query over its
// live columns named in it, counting them and their privileges) is there
// and readable.  Counted among the table's live columns first: a column
// dropped or renamed by its owner makes the facts unreadable, not the
// training fail.
bool columns_readable(const char* query) {
  spi_run(query, 0, nullptr, nullptr, SPI_OK_SELECT, true);
  bool is_null = true;
  const Datum readable = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null);
  return !is_null && DatumGetBool(readable);
}

bool named(const RawParam* raw, int count, const char* key) {
  for (int i = 0; i < count; ++i)
    if (strcmp(raw[i].key, key) == 0) return true;
  return false;
}

}  // namespace

bool catalog_facts_readable() {
  return columns_readable(
      "SELECT pg_catalog.count(*) = 4"
      "       AND pg_catalog.bool_and(pg_catalog.has_column_privilege(a.attrelid, a.attnum, 'SELECT'))"
      "  FROM pg_catalog.pg_attribute AS a"
      " WHERE a.attrelid = 'steam_rec.catalog_cache'::pg_catalog.regclass AND a.attnum > 0"
      "   AND NOT a.attisdropped AND a.attname = ANY (ARRAY['appid', 'developer', 'publisher', 'name'])");
}

bool release_dates_readable() {
  return columns_readable(
      "SELECT pg_catalog.count(*) = 1"
      "       AND pg_catalog.bool_and(pg_catalog.has_column_privilege(a.attrelid, a.attnum, 'SELECT'))"
      "  FROM pg_catalog.pg_attribute AS a"
      " WHERE a.attrelid = 'steam_rec.catalog_cache'::pg_catalog.regclass AND a.attnum > 0"
      "   AND NOT a.attisdropped AND a.attname = 'release_date'");
}

bool catalog_weights_named(const RawParam* raw, int count) {
  return named(raw, count, "studio_weight") || named(raw, count, "series_weight") ||
         named(raw, count, "name_word_weight") || named(raw, count, "catalog_name_weight") ||
         named(raw, count, "catalog_studio_weight") || named(raw, count, "catalog_series_weight") ||
         release_years_named(raw, count);
}

bool release_years_named(const RawParam* raw, int count) { return named(raw, count, "release_years_scale"); }

}  // namespace steam_rec::pg
