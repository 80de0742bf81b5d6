// train()'s jsonb parameters, to and from the core's (key, value) pairs.
#pragma once

#include <string>
#include <vector>

#include "core/train_params.hpp"
#include "pg/postgres.hpp"

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

// The parameters as JSON text (palloc'd), for the models table.
char* params_to_json(const std::vector<rec::ParamValue>& params);

}  // namespace steam_rec::pg
