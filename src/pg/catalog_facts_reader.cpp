#include "pg/catalog_facts_reader.hpp"

#include <cstring>

namespace steam_rec::pg {

bool catalog_facts_readable() {
  // Counted among the table's live columns first: a column dropped or
  // renamed by its owner makes the facts unreadable, not the training fail.
  spi_run(
      "SELECT pg_catalog.count(*) = 4"
      "       AND pg_catalog.bool_and(pg_catalog.has_column_privilege(a.attrelid, a.attnum, 'SELECT'))"
      "  FROM pg_catalog.pg_attribute AS a"
      " WHERE a.attrelid = 'steam_rec.catalog_cache'::pg_catalog.regclass AND a.attnum > 0"
      "   AND NOT a.attisdropped AND a.attname = ANY (ARRAY['appid', 'developer', 'publisher', 'name'])",
      0, nullptr, nullptr, SPI_OK_SELECT, true);
  bool is_null = true;
  const Datum readable = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null);
  return !is_null && DatumGetBool(readable);
}

bool catalog_weights_named(const RawParam* raw, int count) {
  for (int i = 0; i < count; ++i)
    if (strcmp(raw[i].key, "studio_weight") == 0 || strcmp(raw[i].key, "series_weight") == 0 ||
        strcmp(raw[i].key, "name_word_weight") == 0 || strcmp(raw[i].key, "catalog_name_weight") == 0 ||
        strcmp(raw[i].key, "catalog_studio_weight") == 0 || strcmp(raw[i].key, "catalog_series_weight") == 0)
      return true;
  return false;
}

}  // namespace steam_rec::pg
