#include "pg/model_store.hpp"

#include <cstring>

#include "pg/model_games_table.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
}

namespace steam_rec::pg {
namespace {

Datum text_array(const std::vector<std::string>& names) {
  const int count = static_cast<int>(names.size());
  Datum* datums = static_cast<Datum*>(palloc(sizeof(Datum) * (count > 0 ? count : 1)));
  for (int i = 0; i < count; ++i) datums[i] = PointerGetDatum(cstring_to_text(names[i].c_str()));
  return PointerGetDatum(construct_array(datums, count, TEXTOID, -1, false, TYPALIGN_INT));
}

// Offsets of a sparse matrix's rows, as int4 (PostgreSQL arrays hold far fewer
// than 2^31 elements anyway).
Datum offsets_array(const rec::SparseRows& rows, int games) {
  int32* offsets = static_cast<int32*>(palloc(sizeof(int32) * (games + 1)));
  for (int g = 0; g <= games; ++g) offsets[g] = rows.rows() == games ? static_cast<int32>(rows.offset[g]) : 0;
  return int4_array(offsets, games + 1);
}

// The appids of a neighbor matrix's entries (stored as appids, so a row reads on its own).
Datum neighbor_appids(const rec::GameModel& model, const rec::SparseRows& rows) {
  const int64 count = rows.rows() == model.games() ? rows.nonzeros() : 0;
  int32* appids = static_cast<int32*>(palloc(sizeof(int32) * (count + 1)));
  for (int64 p = 0; p < count; ++p) appids[p] = model.appids[rows.index[p]];
  return int4_array(appids, static_cast<int>(count));
}

void check_fits_in_an_array(int64 elements) {
  if (elements >= static_cast<int64>(MaxArraySize))
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("the model is too large to store (%lld entries)", static_cast<long long>(elements)),
                    errhint("Train with fewer neighbors or factors.")));
}

}  // namespace

void lock_models_for_activation() {
  spi_run("LOCK TABLE steam_rec.models IN EXCLUSIVE MODE", 0, nullptr, nullptr, SPI_OK_UTILITY);
}

int64 store_model(const rec::GameModel& model, const ModelFacts& facts) {
  Oid model_types[6] = {TEXTOID, TEXTOID, INT4OID, INT4OID, INT8OID, INT4OID};
  Datum model_values[6] = {CStringGetTextDatum(facts.algorithm), CStringGetTextDatum(facts.params_json),
                           Int32GetDatum(facts.players),         Int32GetDatum(facts.games),
                           Int64GetDatum(facts.interactions),    Int32GetDatum(0)};
  spi_run(
      "INSERT INTO steam_rec.models (algorithm, params, players, games, interactions, seconds)"
      " VALUES ($1, $2::pg_catalog.jsonb, $3, $4, $5, $6) RETURNING id",
      6, model_types, model_values, SPI_OK_INSERT_RETURNING);
  bool is_null = true;
  const int64 id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));

  Oid tag_types[2] = {INT8OID, TEXTARRAYOID};
  Datum tag_values[2] = {Int64GetDatum(id), text_array(model.tag_names)};
  spi_run(
      "INSERT INTO steam_rec.model_tags (model_id, tag, tag_name)"
      " SELECT $1, (u.n - 1)::integer, u.name FROM pg_catalog.unnest($2) WITH ORDINALITY AS u(name, n)",
      2, tag_types, tag_values, SPI_OK_INSERT);

  const int games = model.games();
  const int factor_count = model.has_factors() ? static_cast<int>(model.factors.cols()) : 0;
  check_fits_in_an_array(model.neighbors.nonzeros());
  check_fits_in_an_array(model.content_neighbors.nonzeros());
  check_fits_in_an_array(static_cast<int64>(games) * factor_count);
  check_fits_in_an_array(model.tags.nonzeros());

  // Row-major factors: game g's are elements g*f+1 .. (g+1)*f of the array.
  float* factors = static_cast<float*>(palloc(sizeof(float) * (static_cast<int64>(games) * factor_count + 1)));
  for (int g = 0; g < games; ++g)
    for (int f = 0; f < factor_count; ++f) factors[static_cast<int64>(g) * factor_count + f] = model.factors(g, f);

  // The statement's parameters, each named: whole-model arrays that each
  // game's row slices (slicing fixed-width arrays is constant time, so one
  // statement stores every game).
  enum Param {
    kModelId = 1,
    kAppids,
    kPopularity,
    kNeighborOffsets,
    kNeighborAppids,
    kNeighborWeights,
    kContentOffsets,
    kContentAppids,
    kContentWeights,
    kFactors,
    kFactorCount,
    kTagOffsets,
    kTags,
    kTagWeights,
    kParams = kTagWeights
  };
  Oid types[kParams];
  Datum values[kParams];
  auto bind = [&](Param param, Oid type, Datum value) {
    types[param - 1] = type;
    values[param - 1] = value;
  };
  bind(kModelId, INT8OID, Int64GetDatum(id));
  bind(kAppids, INT4ARRAYOID, int4_array(model.appids.data(), games));
  bind(kPopularity, FLOAT4ARRAYOID, float4_array(model.popularity.data(), games));
  bind(kNeighborOffsets, INT4ARRAYOID, offsets_array(model.neighbors, games));
  bind(kNeighborAppids, INT4ARRAYOID, neighbor_appids(model, model.neighbors));
  bind(kNeighborWeights, FLOAT4ARRAYOID, float4_array(model.neighbors.value.data(), model.neighbors.nonzeros()));
  bind(kContentOffsets, INT4ARRAYOID, offsets_array(model.content_neighbors, games));
  bind(kContentAppids, INT4ARRAYOID, neighbor_appids(model, model.content_neighbors));
  bind(kContentWeights, FLOAT4ARRAYOID,
       float4_array(model.content_neighbors.value.data(), model.content_neighbors.nonzeros()));
  bind(kFactors, FLOAT4ARRAYOID, float4_array(factors, static_cast<int64>(games) * factor_count));
  bind(kFactorCount, INT4OID, Int32GetDatum(factor_count));
  bind(kTagOffsets, INT4ARRAYOID, offsets_array(model.tags, games));
  bind(kTags, INT4ARRAYOID, int4_array(model.tags.index.data(), static_cast<int>(model.tags.nonzeros())));
  bind(kTagWeights, FLOAT4ARRAYOID, float4_array(model.tags.value.data(), model.tags.nonzeros()));

  // Each column of game i's row (model_games_table.hpp names them), from the parameters.
  auto slice = [](int elements, int offsets) {
    return psprintf("$%d[$%d[i] + 1 : $%d[i + 1]]", elements, offsets, offsets);
  };
  auto source_of = [&](const char* column) -> char* {
    if (strcmp(column, "appid") == 0) return psprintf("$%d[i]", kAppids);
    if (strcmp(column, "popularity") == 0) return psprintf("$%d[i]", kPopularity);
    if (strcmp(column, "neighbors") == 0) return slice(kNeighborAppids, kNeighborOffsets);
    if (strcmp(column, "weights") == 0) return slice(kNeighborWeights, kNeighborOffsets);
    if (strcmp(column, "content_neighbors") == 0) return slice(kContentAppids, kContentOffsets);
    if (strcmp(column, "content_weights") == 0) return slice(kContentWeights, kContentOffsets);
    if (strcmp(column, "factors") == 0)
      return psprintf("CASE WHEN $%d > 0 THEN $%d[(i - 1) * $%d + 1 : i * $%d] END", kFactorCount, kFactors,
                      kFactorCount, kFactorCount);
    if (strcmp(column, "tags") == 0) return slice(kTags, kTagOffsets);
    if (strcmp(column, "tag_weights") == 0) return slice(kTagWeights, kTagOffsets);
    elog(ERROR, "steam_rec: no source for model_games column \"%s\"", column);
    return nullptr;
  };
  StringInfoData sources;
  initStringInfo(&sources);
  for (const char* column : kModelGamesColumns) appendStringInfo(&sources, ", %s", source_of(column));
  spi_run(psprintf("INSERT INTO steam_rec.model_games (model_id, %s) SELECT $%d%s"
                   "  FROM pg_catalog.generate_subscripts($%d, 1) AS i",
                   model_games_column_list(), kModelId, sources.data, kAppids),
          kParams, types, values, SPI_OK_INSERT);
  return id;
}

void finish_and_activate(int64 id, double seconds) {
  Oid types[2] = {INT8OID, FLOAT4OID};
  Datum values[2] = {Int64GetDatum(id), Float4GetDatum(static_cast<float>(seconds))};
  spi_run("UPDATE steam_rec.models SET seconds = $2 WHERE id OPERATOR(pg_catalog.=) $1", 2, types, values,
          SPI_OK_UPDATE);
  spi_run("UPDATE steam_rec.models SET active = false WHERE active AND id OPERATOR(pg_catalog.<>) $1", 1, types, values,
          SPI_OK_UPDATE);
  spi_run("UPDATE steam_rec.models SET active = true WHERE id OPERATOR(pg_catalog.=) $1", 1, types, values,
          SPI_OK_UPDATE);
}

}  // namespace steam_rec::pg
