// steam_rec.train_params(algorithm text, params jsonb DEFAULT '{}') RETURNS jsonb
//
// The parameters train(algorithm, params) would train with, every default
// filled in, as the models row would store them; refuses what train()
// refuses, with train()'s error.  Lets a setting that names parameters for a
// later training (maintain()'s algorithm and params) be checked when it is
// set rather than when the nightly job runs.
#include "core/guard.hpp"
#include "pg/core_object.hpp"
#include "pg/entry.hpp"
#include "pg/model_reranker_rows.hpp"
#include "pg/sql_contracts.hpp"
#include "pg/sql_version_defaults.hpp"
#include "pg/train_params_json.hpp"

extern "C" {
#include "utils/fmgrprotos.h"
}

namespace steam_rec::pg {
namespace {

struct ResolvedParams {
  std::vector<rec::ParamValue> described;
};

}  // namespace
}  // namespace steam_rec::pg

STEAM_REC_FUNCTION(steam_rec_train_params) {
  using namespace steam_rec::pg;
  namespace rec = steam_rec::rec;
  const Arguments arguments(fcinfo, contracts::train_params);
  const TrainArguments asked = read_train_arguments(arguments);
  const rec::Defaults defaults = defaults_of_installed_sql();
  auto* resolved = new_in_context<ResolvedParams>(CurrentMemoryContext);
  int32 rerank_candidates = 0;
  check(steam_rec::guard([&] {
          const rec::TrainParams params =
              rec::resolve_params(asked.algorithm, to_param_values(asked.params, asked.param_count), defaults);
          rerank_candidates = params.rerank_candidates;
          resolved->described = rec::describe_params(params, defaults);
        }),
        "train_params");
  refuse_unstorable_rerank(rerank_candidates, "train_params");
  PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(params_to_json(resolved->described))));
}
