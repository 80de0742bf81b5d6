#include "pg/train_params_json.hpp"

#include "core/algorithm_registry.hpp"
#include "core/guard.hpp"
#include "pg/entry.hpp"
#include "pg/message_value.hpp"

extern "C" {
#include "lib/stringinfo.h"
#include "utils/json.h"
#include "utils/numeric.h"
}

namespace steam_rec::pg {
namespace {

const char* type_name(const JsonbValue& value) {
  switch (value.type) {
    case jbvNull:
      return "null";
    case jbvBool:
      return "a boolean";
    case jbvBinary:
      return "an array or object";
    default:
      return "not a number or string";
  }
}

// Every algorithm's own keys, and the two any call may add (a combining
// algorithm's base and engagement_weight): more than one call can take.
int most_keys_a_call_takes() {
  std::size_t keys = 2;
  for (const rec::AlgorithmSpec& algorithm : rec::algorithms()) keys += algorithm.parameters.size();
  return static_cast<int>(keys);
}

}  // namespace

RawParam* read_params(Jsonb* params, int* count) {
  *count = 0;
  if (!JB_ROOT_IS_OBJECT(params) || JB_ROOT_IS_SCALAR(params))
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("params must be a JSON object"),
                    errhint("For example: SELECT steam_rec.train('ease', '{\"lambda\": 300}');")));
  int capacity = static_cast<int>(JB_ROOT_COUNT(params));
  // An object with more keys than any call takes holds an unknown one:
  // refused before reading it (millions of keys took seconds, deaf to cancel).
  int most = 0;
  check(steam_rec::guard([&] { most = most_keys_a_call_takes(); }), "params");
  if (capacity > most)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("params has %d keys, more than any algorithm takes (%d at most)", capacity, most),
                    errhint("SELECT name, jsonb_object_keys(parameters) FROM steam_rec.algorithms() lists them.")));
  auto* raw = static_cast<RawParam*>(palloc0(sizeof(RawParam) * (capacity > 0 ? capacity : 1)));

  JsonbIterator* it = JsonbIteratorInit(&params->root);
  JsonbValue value;
  JsonbIteratorToken token;
  const char* key = nullptr;
  while ((token = JsonbIteratorNext(&it, &value, true)) != WJB_DONE) {
    // A key or a text longer than any parameter or value is kept as a message
    // quotes it (value_for_message()): it names none either way, and the
    // core's error echoed it whole up to its buffer, the valid names after
    // it cut off.
    if (token == WJB_KEY) {
      key = value_for_message(pnstrdup(value.val.string.val, value.val.string.len));
      continue;
    }
    if (token != WJB_VALUE) continue;
    RawParam& param = raw[(*count)++];
    param.key = key;
    if (value.type == jbvString) {
      param.is_text = true;
      param.text = value_for_message(pnstrdup(value.val.string.val, value.val.string.len));
    } else if (value.type == jbvNumeric) {
      // Beyond the range of a double becomes infinite, which the core refuses by range.
      param.number =
          DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, NumericGetDatum(value.val.numeric)));
      param.text = "";
    } else {
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                      errmsg("parameter \"%s\" must be a number or a string, not %s", key, type_name(value))));
    }
  }
  return raw;
}

TrainArguments read_train_arguments(const Arguments& arguments) {
  if (arguments.is_null("algorithm"))
    ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("algorithm must not be NULL"),
                    errhint("Valid algorithms are %s.", rec::algorithm_names())));
  TrainArguments read{value_for_message(text_to_cstring(arguments.get<text*>("algorithm"))), nullptr, 0};
  if (!arguments.is_null("params")) read.params = read_params(arguments.get<Jsonb*>("params"), &read.param_count);
  return read;
}

std::vector<rec::ParamValue> to_param_values(const RawParam* raw, int count) {
  std::vector<rec::ParamValue> values;
  for (int i = 0; i < count; ++i)
    values.push_back(rec::ParamValue{raw[i].key, raw[i].is_text, raw[i].number, raw[i].text});
  return values;
}

char* params_to_json(const std::vector<rec::ParamValue>& params) {
  StringInfoData json;
  initStringInfo(&json);
  appendStringInfoChar(&json, '{');
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i > 0) appendStringInfoString(&json, ", ");
    escape_json(&json, params[i].key.c_str());
    appendStringInfoString(&json, ": ");
    if (params[i].is_text)
      escape_json(&json, params[i].text.c_str());
    else
      appendStringInfoString(&json, rec::param_number_text(params[i]).c_str());
  }
  appendStringInfoChar(&json, '}');
  return json.data;
}

}  // namespace steam_rec::pg
