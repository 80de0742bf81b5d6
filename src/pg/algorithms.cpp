// steam_rec.algorithms() RETURNS TABLE(name text, description text, stores text, parameters jsonb)
//
// Lists the algorithm registry (core/algorithm_registry.hpp): what train()
// and evaluate() accept, each parameter with its kind, default and range or
// allowed values.  SQL tests and the benchmark read the algorithms from here.
#include "core/algorithm_description.hpp"
#include "core/guard.hpp"
#include "pg/core_object.hpp"
#include "pg/entry.hpp"
#include "pg/sql_version_defaults.hpp"

extern "C" {
#include "funcapi.h"
#include "utils/fmgrprotos.h"
}

namespace steam_rec::pg {
namespace {

// The parameters of every algorithm as JSON text, in registry order.
struct AlgorithmRows {
  std::vector<std::string> parameters;
};

}  // namespace
}  // namespace steam_rec::pg

STEAM_REC_FUNCTION(steam_rec_algorithms) {
  using namespace steam_rec::pg;
  namespace rec = steam_rec::rec;
  InitMaterializedSRF(fcinfo, 0);
  // At an SQL version older than a default's change, the defaults train() uses there.
  const rec::Defaults defaults = defaults_of_installed_sql();
  auto* rows = new_in_context<AlgorithmRows>(CurrentMemoryContext);
  check(steam_rec::guard([&] {
          for (const rec::AlgorithmSpec& a : rec::algorithms())
            rows->parameters.push_back(rec::parameters_json(a, defaults));
        }),
        "algorithms");
  auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  for (std::size_t i = 0; i < rows->parameters.size(); ++i) {
    const rec::AlgorithmSpec& a = rec::algorithms()[i];
    Datum values[4] = {CStringGetTextDatum(a.name), CStringGetTextDatum(a.description), CStringGetTextDatum(a.stores),
                       DirectFunctionCall1(jsonb_in, CStringGetDatum(rows->parameters[i].c_str()))};
    bool nulls[4] = {false, false, false, false};
    tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
  }
  return (Datum)0;
}
