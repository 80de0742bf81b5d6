#include "pg/catalog_facts_reader.hpp"

#include <string>

#include "core/catalog_lending.hpp"

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

// Whether `raw` gives `key` a number above 0: naming a weight 0 asks for
// less of the catalog, never for it.
bool named_above_zero(const RawParam* raw, int count, const std::string& key) {
  for (int i = 0; i < count; ++i)
    if (key == raw[i].key && !raw[i].is_text && raw[i].number > 0) return true;
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
  for (const std::string& key : rec::catalog_parameters())
    if (named_above_zero(raw, count, key)) return true;
  return false;
}

bool release_years_named(const RawParam* raw, int count) { return named_above_zero(raw, count, "release_years_scale"); }

}  // namespace steam_rec::pg
