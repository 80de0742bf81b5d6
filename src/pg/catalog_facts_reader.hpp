// Reading the catalog facts training lends new games weights from
// (catalog_lending.hpp): each game's developer, publisher and name.
#pragma once

#include <optional>
#include <string_view>

#include "pg/postgres.hpp"
#include "pg/spi.hpp"
#include "pg/train_params_json.hpp"

namespace steam_rec::pg {

// Whether the four columns read_catalog_facts() reads are there and the
// current role may read them.  A role granted only what training needed
// before the catalog was read (a maintenance role of 1.5) may not: training
// then goes without the catalog's facts unless they were asked for
// (catalog_weights_named()).
bool catalog_facts_readable();

// Whether release_date is there and the current role may read it: a role
// granted only the four columns above (a maintenance role of the first 1.6
// grant) may not; training then leaves the dates out unless they were
// asked for (release_years_named()).
bool release_dates_readable();

// Whether `raw` gives a parameter that weighs the catalog's facts
// (rec::catalog_parameters()) a value above 0: the call asked for them.
bool catalog_weights_named(const RawParam* raw, int count);
// Whether `raw` gives release_years_scale a value above 0.
bool release_years_named(const RawParam* raw, int count);

// Calls add(appid, developers, publishers, name, release_day) for every row
// of steam_rec.catalog_cache, each text a std::string_view valid during the
// call ("" for NULL), inside SPI; release_day the days from 2000-01-01 to
// release_date, none when NULL, infinite, or not read (`with_dates` false:
// the column is then not named, so it needs no privilege).  `add` must hold
// no object with a destructor (capture by reference): it runs between
// server calls.
template <typename Add>
void read_catalog_facts(bool with_dates, Add&& add) {
  for_each_batch("steam_rec_catalog_facts",
                 with_dates ? "SELECT appid::integer, developer::text, publisher::text, name::text, CASE WHEN "
                              "pg_catalog.isfinite(release_date) THEN release_date OPERATOR(pg_catalog.-) "
                              "DATE '2000-01-01' END FROM steam_rec.catalog_cache"
                            : "SELECT appid::integer, developer::text, publisher::text, name::text, NULL::integer "
                              "FROM steam_rec.catalog_cache",
                 0, nullptr, nullptr, [&add](SPITupleTable* table, uint64 rows) {
                   for (uint64 r = 0; r < rows; ++r) {
                     HeapTuple tuple = table->vals[r];
                     bool is_null = true;
                     const Datum appid = SPI_getbinval(tuple, table->tupdesc, 1, &is_null);
                     if (is_null) continue;  // NOT NULL in the schema; a row without one names no game
                     char* developers = SPI_getvalue(tuple, table->tupdesc, 2);
                     char* publishers = SPI_getvalue(tuple, table->tupdesc, 3);
                     char* name = SPI_getvalue(tuple, table->tupdesc, 4);
                     const Datum day = SPI_getbinval(tuple, table->tupdesc, 5, &is_null);
                     add(DatumGetInt32(appid), std::string_view(developers != nullptr ? developers : ""),
                         std::string_view(publishers != nullptr ? publishers : ""),
                         std::string_view(name != nullptr ? name : ""),
                         is_null ? std::optional<int32>() : std::optional<int32>(DatumGetInt32(day)));
                     for (char* text : {developers, publishers, name})
                       if (text != nullptr) pfree(text);
                   }
                 });
}

}  // namespace steam_rec::pg
