#include "core/train_params.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "core/algorithm_registry.hpp"
#include "core/catalog_lending.hpp"
#include "core/errors.hpp"

namespace steam_rec::rec {
namespace {

std::string allowed_keys(const TrainParams& params) {
  std::string keys;
  for (const ParameterSpec& spec : parameter_specs())
    if (takes_parameter(spec, params)) {
      if (!keys.empty()) keys += ", ";
      keys += spec.key;
    }
  return keys;
}

std::string joined(const std::vector<std::string>& values) {
  std::string text;
  for (const std::string& v : values) text += (text.empty() ? "" : ", ") + v;
  return text;
}

// Starts a TrainParams of that algorithm: the defaults, and its default base.
TrainParams defaults_of(const std::string& algorithm) {
  TrainParams params;
  params.algorithm = parse_algorithm(algorithm);
  params.base = default_base_of(params.algorithm);
  // Only the algorithm that takes the key is re-ranked.
  static const ParameterSpec* const rerank = find_parameter("rerank_candidates");
  if (!takes_parameter(*rerank, params)) params.rerank_candidates = 0;
  return params;
}

std::string format_number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

void set_text(TrainParams& params, const ParameterSpec& spec, const ParamValue& value) {
  if (!value.is_text)
    throw InvalidArgument("parameter \"" + value.key + "\" must be a string, not " + format_number(value.number));
  const std::vector<std::string> values = spec.values();
  if (std::find(values.begin(), values.end(), value.text) == values.end())
    throw InvalidArgument("parameter \"" + value.key + "\" must be one of " + joined(values) + ", not \"" + value.text +
                          "\"");
  spec.set_text(params, value.text);
}

void set_number(TrainParams& params, const ParameterSpec& spec, const ParamValue& value) {
  if (value.is_text)
    throw InvalidArgument("parameter \"" + value.key + "\" must be a number, not \"" + value.text + "\"");
  double v = value.number;
  if (!std::isfinite(v) || v < spec.min || v > spec.max)
    throw InvalidArgument("parameter \"" + value.key + "\" must be between " + format_number(spec.min) + " and " +
                          format_number(spec.max) + ", not " + format_number(v));
  if (spec.kind == ParamKind::integer && v != std::floor(v))
    throw InvalidArgument("parameter \"" + value.key + "\" must be a whole number, not " + format_number(v));
  spec.set(params, v);
  // Held as a float: a positive value below its smallest would silently turn
  // the parameter off (0).
  if (v != 0 && spec.get(params) == 0)
    throw InvalidArgument("parameter \"" + value.key + "\" must be 0 or at least " +
                          format_number(std::numeric_limits<float>::denorm_min()) + ", not " + format_number(v));
}

// Whether `values` name `key`.
bool names_key(const std::vector<ParamValue>& values, const char* key) {
  return std::any_of(values.begin(), values.end(), [&](const ParamValue& value) { return value.key == key; });
}

// Sets each key `params` takes that is not among `values`, and that
// `defaults` give their "absent" value, to that value: what the algorithm did
// before its default changed.
void set_absent_values(TrainParams& params, const std::vector<ParamValue>& values, const Defaults& defaults) {
  for (const ParameterSpec& spec : parameter_specs())
    if (default_is_absent(spec, defaults) && takes_parameter(spec, params) && !names_key(values, spec.key))
      spec.set(params, spec.absent);
}

}  // namespace

const char* algorithm_names() {
  static const std::string names = [] {
    std::string text;
    for (const AlgorithmSpec& a : algorithms()) text += (text.empty() ? "" : ", ") + std::string(a.name);
    return text;
  }();
  return names.c_str();
}

const char* algorithm_name(const AlgorithmSpec* algorithm) {
  return algorithm != nullptr ? algorithm->name : "unknown";
}

const AlgorithmSpec* parse_algorithm(const std::string& name) {
  const AlgorithmSpec* found = find_algorithm(name);
  if (found == nullptr)
    throw InvalidArgument("unknown algorithm \"" + name + "\"; valid algorithms are " + algorithm_names());
  return found;
}

TrainParams resolve_params(const std::string& algorithm, const std::vector<ParamValue>& given, Defaults defaults) {
  TrainParams params = defaults_of(algorithm);
  const ParameterSpec* base = find_parameter("base");
  // The base decides which other keys a combining algorithm takes, whatever their order.
  for (const ParamValue& value : given)
    if (value.key == "base" && takes_parameter(*base, params)) set_text(params, *base, value);
  // Older SQL keeps the defaults it had: the values given below still win.
  set_absent_values(params, given, defaults);
  for (const ParamValue& value : given) {
    const ParameterSpec* spec = find_parameter(value.key);
    if (spec == base && takes_parameter(*base, params)) continue;
    if (spec != nullptr && takes_parameter(*spec, params)) {
      if (spec->kind == ParamKind::text)
        set_text(params, *spec, value);
      else
        set_number(params, *spec, value);
      continue;
    }
    std::string bases;
    if (spec != nullptr && params.base != nullptr && lists_parameter(*params.algorithm, *spec, &bases))
      throw InvalidArgument("parameter \"" + value.key + "\" belongs to a " + algorithm + " with base " + bases +
                            ", not " + params.base->name + "; allowed parameters with base " + params.base->name +
                            " are " + allowed_keys(params));
    throw InvalidArgument("unknown parameter \"" + value.key + "\" for algorithm " + algorithm +
                          "; allowed parameters are " + allowed_keys(params));
  }
  return params;
}

TrainParams restore_params(const std::string& algorithm, const std::vector<ParamValue>& stored) {
  TrainParams params = defaults_of(algorithm);
  const ParameterSpec* base = find_parameter("base");
  for (const ParamValue& value : stored)
    if (value.key == "base" && value.is_text && takes_parameter(*base, params)) {
      const std::vector<std::string> bases = base->values();
      if (std::find(bases.begin(), bases.end(), value.text) != bases.end()) base->set_text(params, value.text);
    }
  // Keys newer than the model: what it was trained with, not today's default
  // (as SQL older than every change would resolve them).
  set_absent_values(params, stored, Defaults::of_sql(0, 0));
  for (const ParamValue& value : stored) {
    const ParameterSpec* spec = find_parameter(value.key);
    if (spec == nullptr || spec == base) continue;
    if (spec->kind == ParamKind::text) {
      const std::vector<std::string> values = spec->values();
      if (value.is_text && std::find(values.begin(), values.end(), value.text) != values.end())
        spec->set_text(params, value.text);
      continue;
    }
    if (value.is_text || std::isnan(value.number)) continue;
    double v = std::clamp(value.number, spec->min, spec->max);
    spec->set(params, spec->kind == ParamKind::integer ? std::round(v) : v);
  }
  return params;
}

std::vector<ParamValue> describe_params(const TrainParams& params, Defaults defaults) {
  std::vector<ParamValue> result;
  for (const ParameterSpec& spec : parameter_specs()) {
    if (!takes_parameter(spec, params)) continue;
    if (sql_predates_change(spec, defaults) && !spec.key_existed_before && spec.get(params) == spec.absent) continue;
    if (spec.kind == ParamKind::text)
      result.push_back(ParamValue{spec.key, true, 0, spec.get_text(params)});
    else
      result.push_back(ParamValue{spec.key, false, spec.get(params), "", spec.kind == ParamKind::integer});
  }
  return result;
}

std::string param_number_text(const ParamValue& value) {
  char text[64];
  if (value.is_integer) {
    std::snprintf(text, sizeof text, "%lld", static_cast<long long>(value.number));
    return text;
  }
  // Every float parameter is held as a float: 9 significant digits always
  // read back to it; fewer usually do and read better (0.02, not 0.0199999996).
  const float exact = static_cast<float>(value.number);
  for (int digits = 1; digits <= 9; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(exact));
    if (std::strtof(text, nullptr) == exact) break;
  }
  return text;
}

double training_memory_bytes(const TrainParams& params, const DataSize& size) {
  const double games = static_cast<double>(size.games);
  const double players = static_cast<double>(size.players);
  // The training set in both orientations, its staging rows, the tag names, the catalog's facts (when these
  // parameters read them), and the stored model's tags and popularity.
  const double catalog = uses_catalog(params) ? size.catalog_bytes : 0.0;
  const double shared = kBytesPerPlay * static_cast<double>(size.interactions) +
                        kBytesPerTagEntry * static_cast<double>(size.tag_entries) + size.tag_name_bytes + catalog +
                        64.0 * players + 64.0 * games;
  return shared + params.algorithm->memory_bytes(params, size);
}

}  // namespace steam_rec::rec
