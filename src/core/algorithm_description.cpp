#include "core/algorithm_description.hpp"

#include <cmath>

namespace steam_rec::rec {
namespace {

// A JSON string; registry texts are plain, but quotes and backslashes are escaped all the same.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string number(double value, ParamKind kind) {
  return param_number_text(ParamValue{"", false, value, "", kind == ParamKind::integer});
}

std::string list(const std::vector<std::string>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i > 0 ? ", " : "") + quoted(values[i]);
  return out + "]";
}

std::vector<std::string> split_bases(const std::string& bases) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= bases.size()) {
    const std::size_t end = bases.find(" or ", start);
    names.push_back(bases.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 4;
  }
  return names;
}

const char* kind_name(ParamKind kind) {
  switch (kind) {
    case ParamKind::integer:
      return "integer";
    case ParamKind::number:
      return "number";
    default:
      return "text";
  }
}

}  // namespace

std::string parameters_json(const AlgorithmSpec& algorithm, Defaults defaults_of) {
  const TrainParams defaults = resolve_params(algorithm.name, {}, defaults_of);
  std::string json = "{";
  for (const ParameterSpec& spec : parameter_specs()) {
    std::string bases;
    if (!lists_parameter(algorithm, spec, &bases)) continue;
    if (json.size() > 1) json += ", ";
    json += quoted(spec.key) + ": {\"kind\": " + quoted(kind_name(spec.kind));
    if (spec.kind == ParamKind::text)
      json += ", \"default\": " + quoted(spec.get_text(defaults)) + ", \"values\": " + list(spec.values());
    else
      json += ", \"default\": " + number(spec.get(defaults), spec.kind) + ", \"min\": " + number(spec.min, spec.kind) +
              ", \"max\": " + number(spec.max, spec.kind);
    if (spec.kind != ParamKind::text && !std::isnan(spec.absent) && !sql_predates_change(spec, defaults_of))
      json += ", \"absent\": " + number(spec.absent, spec.kind);
    if (!bases.empty()) json += ", \"bases\": " + list(split_bases(bases));
    json += "}";
  }
  return json + "}";
}

}  // namespace steam_rec::rec
