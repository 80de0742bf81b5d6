#include "pg/model_store.hpp"

#include <cstring>

#include "pg/direct_read.hpp"
#include "pg/model_games_direct.hpp"
#include "pg/model_games_table.hpp"
#include "pg/model_reranker_rows.hpp"
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

// Rows [first, last) of a model's games x something matrix, whose row 0 is
// game `row0` and which has `whole` rows when the model has this part; one of
// another size (none: a part the model does not have) reads as empty rows.
struct RowRange {
  const rec::SparseRows& rows;
  int row0;
  int whole;
  int first;
  int last;

  bool present() const { return rows.rows() == whole; }
  int64 begin() const { return present() ? rows.offset[first - row0] : 0; }
  int64 end() const { return present() ? rows.offset[last - row0] : 0; }
  int64 entries() const { return end() - begin(); }
};

// Offsets of the range's rows from its first entry, as int4 (PostgreSQL
// arrays hold far fewer than 2^31 elements anyway).
Datum offsets_array(const RowRange& range) {
  const int count = range.last - range.first;
  int32* offsets = static_cast<int32*>(palloc(sizeof(int32) * (count + 1)));
  for (int g = 0; g <= count; ++g)
    offsets[g] =
        range.present() ? static_cast<int32>(range.rows.offset[range.first - range.row0 + g] - range.begin()) : 0;
  return int4_array(offsets, count + 1);
}

// The appids of a neighbor matrix's entries in the range (stored as appids,
// so a row reads on its own).
Datum neighbor_appids(const rec::GameModel& model, const RowRange& range) {
  const int64 count = range.entries();
  int32* appids = static_cast<int32*>(palloc(sizeof(int32) * (count + 1)));
  for (int64 p = 0; p < count; ++p) appids[p] = model.appids[range.rows.index[range.begin() + p]];
  return int4_array(appids, static_cast<int>(count));
}

Datum range_weights(const RowRange& range) {
  return float4_array(range.present() ? range.rows.value.data() + range.begin() : nullptr, range.entries());
}

void check_fits_in_an_array(int64 elements) {
  if (elements >= static_cast<int64>(MaxArraySize))
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("the model is too large to store (%lld entries)", static_cast<long long>(elements)),
                    errhint("Train with fewer neighbors or factors.")));
}

}  // namespace

struct ModelGamesWriter {
  ModelGamesDirect* direct;  // null: through SQL
  SPIPlanPtr plan;           // the SQL path's saved INSERT, once planned
};

ModelGamesWriter* begin_model_games_writer() {
  auto* writer = static_cast<ModelGamesWriter*>(palloc0(sizeof(ModelGamesWriter)));
  writer->direct = model_games_direct_begin();
  return writer;
}

void end_model_games_writer(ModelGamesWriter* writer) {
  if (writer->direct != nullptr) model_games_direct_end(writer->direct);
  pfree(writer);  // a saved plan goes with SPI_finish()
}

void lock_models_for_activation() {
  spi_run("LOCK TABLE steam_rec.models IN EXCLUSIVE MODE", 0, nullptr, nullptr, SPI_OK_UTILITY);
}

int64 store_model(const rec::GameModel& model, const ModelFacts& facts) {
  const int64 id = store_model_head(model, facts);
  ModelGamesWriter* writer = begin_model_games_writer();
  store_model_games(writer, id, model, model.neighbors, StoredRows::neighbors, 0, model.games());
  end_model_games_writer(writer);
  store_model_reranker(id, model);
  return id;
}

UserGamesMark read_user_games_mark() {
  UserGamesMark mark;
  if (citus_installed() || !OidIsValid(steam_rec_relation("model_governance"))) return mark;
  spi_run("SELECT pg_catalog.max(id)::pg_catalog.int8 FROM steam_rec.user_games", 0, nullptr, nullptr, SPI_OK_SELECT,
          true);
  mark.read = true;
  mark.id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &mark.is_null));
  return mark;
}

int64 store_model_head(const rec::GameModel& model, const ModelFacts& facts) {
  Oid model_types[7] = {TEXTOID, TEXTOID, INT4OID, INT4OID, INT8OID, INT4OID, INT8OID};
  Datum model_values[7] = {CStringGetTextDatum(facts.algorithm), CStringGetTextDatum(facts.params_json),
                           Int32GetDatum(facts.players),         Int32GetDatum(facts.games),
                           Int64GetDatum(facts.interactions),    Int32GetDatum(0),
                           Int64GetDatum(facts.mark.id)};
  char nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', facts.mark.is_null ? 'n' : ' '};
  // The governance row goes in with the model, marked where the training's
  // snapshot saw user_games end: the models_mark_data trigger, which then
  // finds it there, would mark it in the INSERT's newer snapshot, and rows
  // committed while the training ran would count as trained on.
  const char* insert =
      facts.mark.read
          ? "WITH model AS (INSERT INTO steam_rec.models (algorithm, params, players, games, interactions, seconds)"
            "               VALUES ($1, $2::pg_catalog.jsonb, $3, $4, $5, $6) RETURNING id),"
            "     governance AS (INSERT INTO steam_rec.model_governance (model_id, user_games_mark)"
            "                    SELECT model.id, $7 FROM model)"
            " SELECT id::pg_catalog.int8 FROM model"
          : "INSERT INTO steam_rec.models (algorithm, params, players, games, interactions, seconds)"
            " VALUES ($1, $2::pg_catalog.jsonb, $3, $4, $5, $6) RETURNING id::pg_catalog.int8";
  spi_run(insert, facts.mark.read ? 7 : 6, model_types, model_values,
          facts.mark.read ? SPI_OK_SELECT : SPI_OK_INSERT_RETURNING, false, nulls);
  bool is_null = true;
  const int64 id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));

  Oid tag_types[2] = {INT8OID, TEXTARRAYOID};
  Datum tag_values[2] = {Int64GetDatum(id), text_array(model.tag_names)};
  spi_run(
      "INSERT INTO steam_rec.model_tags (model_id, tag, tag_name)"
      " SELECT $1, (u.n - 1)::integer, u.name FROM pg_catalog.unnest($2) WITH ORDINALITY AS u(name, n)",
      2, tag_types, tag_values, SPI_OK_INSERT);
  return id;
}

void store_model_games(ModelGamesWriter* writer, int64 id, const rec::GameModel& model, const rec::SparseRows& rows,
                       StoredRows part, int first, int last) {
  const int games = last - first;
  const bool given_neighbors = part == StoredRows::neighbors;
  const RowRange neighbor_rows = given_neighbors ? RowRange{rows, first, games, first, last}
                                                 : RowRange{model.neighbors, 0, model.games(), first, last};
  const RowRange content_rows = given_neighbors ? RowRange{model.content_neighbors, 0, model.games(), first, last}
                                                : RowRange{rows, first, games, first, last};
  if (writer->direct != nullptr) {
    if (model_games_direct_write(writer->direct, id, model,
                                 GameRowsOf{neighbor_rows.rows, neighbor_rows.row0, neighbor_rows.whole},
                                 GameRowsOf{content_rows.rows, content_rows.row0, content_rows.whole}, first, last))
      return;
    model_games_direct_end(writer->direct);
    writer->direct = nullptr;
  }
  const int factor_count = model.has_factors() ? static_cast<int>(model.factors.cols()) : 0;
  const RowRange tag_rows{model.tags, 0, model.games(), first, last};
  check_fits_in_an_array(neighbor_rows.entries());
  check_fits_in_an_array(content_rows.entries());
  check_fits_in_an_array(static_cast<int64>(games) * factor_count);
  check_fits_in_an_array(tag_rows.entries());

  // Row-major factors: game g's are elements g*f+1 .. (g+1)*f of the array.
  float* factors = static_cast<float*>(palloc(sizeof(float) * (static_cast<int64>(games) * factor_count + 1)));
  for (int g = 0; g < games; ++g)
    for (int f = 0; f < factor_count; ++f)
      factors[static_cast<int64>(g) * factor_count + f] = model.factors(first + g, f);

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
  bind(kAppids, INT4ARRAYOID, int4_array(model.appids.data() + first, games));
  bind(kPopularity, FLOAT4ARRAYOID, float4_array(model.popularity.data() + first, games));
  bind(kNeighborOffsets, INT4ARRAYOID, offsets_array(neighbor_rows));
  bind(kNeighborAppids, INT4ARRAYOID, neighbor_appids(model, neighbor_rows));
  bind(kNeighborWeights, FLOAT4ARRAYOID, range_weights(neighbor_rows));
  bind(kContentOffsets, INT4ARRAYOID, offsets_array(content_rows));
  bind(kContentAppids, INT4ARRAYOID, neighbor_appids(model, content_rows));
  bind(kContentWeights, FLOAT4ARRAYOID, range_weights(content_rows));
  bind(kFactors, FLOAT4ARRAYOID, float4_array(factors, static_cast<int64>(games) * factor_count));
  bind(kFactorCount, INT4OID, Int32GetDatum(factor_count));
  bind(kTagOffsets, INT4ARRAYOID, offsets_array(tag_rows));
  bind(kTags, INT4ARRAYOID,
       int4_array(tag_rows.present() ? model.tags.index.data() + tag_rows.begin() : nullptr,
                  static_cast<int>(tag_rows.entries())));
  bind(kTagWeights, FLOAT4ARRAYOID, range_weights(tag_rows));

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
  const char* insert = psprintf(
      "INSERT INTO steam_rec.model_games (model_id, %s) SELECT $%d%s  FROM pg_catalog.generate_subscripts($%d, 1) AS i",
      model_games_column_list(), kModelId, sources.data, kAppids);
  if (citus_installed()) {
    spi_run(insert, kParams, types, values, SPI_OK_INSERT);
    return;
  }
  if (writer->plan == nullptr) {
    // Planned once for all of a model's statements; the plan goes with SPI_finish().
    writer->plan = SPI_prepare_cursor(insert, kParams, types, CURSOR_OPT_GENERIC_PLAN);
    if (writer->plan == nullptr)
      elog(ERROR, "steam_rec: cannot prepare %s: %s", insert, SPI_result_code_string(SPI_result));
  }
  const int result = SPI_execute_plan(writer->plan, values, nullptr, false, 0);
  // A DO INSTEAD rule that leaves no INSERT (DO INSTEAD NOTHING, or another
  // kind of command) reports SPI_OK_REWRITTEN: the rule applied, as it would
  // to the user's own INSERT.
  if (result != SPI_OK_INSERT && result != SPI_OK_REWRITTEN)
    elog(ERROR, "steam_rec: internal query failed (%s): %s", SPI_result_code_string(result), insert);
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
