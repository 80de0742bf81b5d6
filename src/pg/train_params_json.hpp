// train()'s jsonb parameters, to and from the core's (key, value) pairs.
#pragma once

#include <string>
#include <vector>

#include "core/train_params.hpp"
#include "pg/postgres.hpp"
#include "pg/sql_contract.hpp"

extern "C" {
#include "utils/jsonb.h"
}

namespace steam_rec::pg {

// One parameter as plain palloc'd data, so it can be read before any C++
// object exists.
struct RawParam {
  const char* key;
  bool is_text;
  double number;
  const char* text;
};

// Reads a jsonb object of numbers and strings; raises 22023 for anything
// else.  Returns a palloc'd array and its length in *count.
RawParam* read_params(Jsonb* params, int* count);

std::vector<rec::ParamValue> to_param_values(const RawParam* raw, int count);

// The (algorithm, params) arguments of train() and of the functions that
// take what it takes: raises 22004 for a NULL algorithm; a NULL params reads
// as {}.  The algorithm is kept as a message quotes it (value_for_message()):
// a longer name than any algorithm's names none either way.
struct TrainArguments {
  const char* algorithm;
  RawParam* params;
  int param_count;
};
TrainArguments read_train_arguments(const Arguments& arguments);

// The parameters as JSON text (palloc'd), for the models table.
char* params_to_json(const std::vector<rec::ParamValue>& params);

}  // namespace steam_rec::pg
