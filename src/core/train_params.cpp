#include "core/train_params.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "core/errors.hpp"

namespace steam_rec::rec {
namespace {

struct AlgorithmName {
  Algorithm algorithm;
  const char* name;
};
constexpr AlgorithmName kAlgorithms[] = {
    {Algorithm::popularity, "popularity"}, {Algorithm::itemknn, "itemknn"}, {Algorithm::ease, "ease"},
    {Algorithm::ials, "ials"},             {Algorithm::content, "content"}, {Algorithm::hybrid, "hybrid"}};

// One parameter: who takes it, its range, and how to read and write it.
struct ParamSpec {
  const char* key;
  std::vector<Algorithm> used_by;
  bool integer;
  double min, max;
  std::function<double(const TrainParams&)> get;
  std::function<void(TrainParams&, double)> set;
};

constexpr double kHuge = 1e9;

const std::vector<ParamSpec>& numeric_specs() {
  using A = Algorithm;
  static const std::vector<ParamSpec> specs = {
      {"engagement_weight", {A::popularity, A::itemknn, A::ease, A::ials, A::content, A::hybrid}, false, 0, 100,
       [](const TrainParams& p) { return p.engagement_weight; }, [](TrainParams& p, double v) { p.engagement_weight = float(v); }},
      {"neighbors", {A::itemknn, A::ease, A::hybrid}, true, 1, 5000,
       [](const TrainParams& p) { return p.neighbors; }, [](TrainParams& p, double v) { p.neighbors = int(v); }},
      {"shrinkage", {A::itemknn, A::hybrid}, false, 0, kHuge,
       [](const TrainParams& p) { return p.shrinkage; }, [](TrainParams& p, double v) { p.shrinkage = float(v); }},
      {"bm25_k1", {A::itemknn, A::hybrid}, false, 0, 100,
       [](const TrainParams& p) { return p.bm25_k1; }, [](TrainParams& p, double v) { p.bm25_k1 = float(v); }},
      {"bm25_b", {A::itemknn, A::hybrid}, false, 0, 1,
       [](const TrainParams& p) { return p.bm25_b; }, [](TrainParams& p, double v) { p.bm25_b = float(v); }},
      {"lambda", {A::ease, A::hybrid}, false, 1e-3, kHuge,
       [](const TrainParams& p) { return p.lambda; }, [](TrainParams& p, double v) { p.lambda = float(v); }},
      {"max_games", {A::ease, A::hybrid}, true, 2, 100000,
       [](const TrainParams& p) { return p.max_games; }, [](TrainParams& p, double v) { p.max_games = int(v); }},
      {"factors", {A::ials, A::hybrid}, true, 1, 512,
       [](const TrainParams& p) { return p.factors; }, [](TrainParams& p, double v) { p.factors = int(v); }},
      {"iterations", {A::ials, A::hybrid}, true, 1, 200,
       [](const TrainParams& p) { return p.iterations; }, [](TrainParams& p, double v) { p.iterations = int(v); }},
      {"regularization", {A::ials, A::hybrid}, false, 0, kHuge,
       [](const TrainParams& p) { return p.regularization; }, [](TrainParams& p, double v) { p.regularization = float(v); }},
      {"alpha", {A::ials, A::hybrid}, false, 0, 1e6,
       [](const TrainParams& p) { return p.alpha; }, [](TrainParams& p, double v) { p.alpha = float(v); }},
      {"unobserved_weight", {A::ials, A::hybrid}, false, 1e-6, 1e3,
       [](const TrainParams& p) { return p.unobserved_weight; }, [](TrainParams& p, double v) { p.unobserved_weight = float(v); }},
      {"exponent", {A::ials, A::hybrid}, false, 0, 2,
       [](const TrainParams& p) { return p.exponent; }, [](TrainParams& p, double v) { p.exponent = float(v); }},
      {"seed", {A::ials, A::hybrid}, true, 0, 2147483647,
       [](const TrainParams& p) { return p.seed; }, [](TrainParams& p, double v) { p.seed = int(v); }},
      {"cg_steps", {A::ials, A::hybrid}, true, 1, 64,
       [](const TrainParams& p) { return p.cg_steps; }, [](TrainParams& p, double v) { p.cg_steps = int(v); }},
      {"content_neighbors", {A::content, A::hybrid}, true, 1, 5000,
       [](const TrainParams& p) { return p.content_neighbors; }, [](TrainParams& p, double v) { p.content_neighbors = int(v); }},
      {"content_weight", {A::hybrid}, false, 0, 1,
       [](const TrainParams& p) { return p.content_weight; }, [](TrainParams& p, double v) { p.content_weight = float(v); }},
  };
  return specs;
}

const char* const kWeightings[] = {"none", "tfidf", "bm25"};
const char* const kBases[] = {"ease", "itemknn", "ials"};
const char* const kSolvers[] = {"cg", "cholesky"};

bool uses(const ParamSpec& spec, Algorithm algorithm) {
  for (Algorithm a : spec.used_by)
    if (a == algorithm) return true;
  return false;
}

// A hybrid takes the parameters of its content part and of its one
// collaborative base; the other bases' parameters would be stored and never used.
bool applies(const ParamSpec& spec, const TrainParams& params) {
  if (params.algorithm != Algorithm::hybrid) return uses(spec, params.algorithm);
  if (!uses(spec, Algorithm::hybrid)) return false;
  if (uses(spec, params.base) || uses(spec, Algorithm::content)) return true;
  for (const char* base : kBases)
    if (uses(spec, parse_algorithm(base))) return false;
  return true;  // the hybrid's own, such as content_weight
}

bool takes_text(const TrainParams& params, const std::string& key) {
  const Algorithm a = params.algorithm;
  if (key == "weighting")
    return a == Algorithm::itemknn || (a == Algorithm::hybrid && params.base == Algorithm::itemknn);
  if (key == "base") return a == Algorithm::hybrid;
  if (key == "solver") return a == Algorithm::ials || (a == Algorithm::hybrid && params.base == Algorithm::ials);
  return false;
}

const ParamSpec* find_spec(const std::string& key) {
  for (const ParamSpec& spec : numeric_specs())
    if (key == spec.key) return &spec;
  return nullptr;
}

std::string allowed_keys(const TrainParams& params) {
  std::string keys;
  auto add = [&](const char* key) {
    if (!keys.empty()) keys += ", ";
    keys += key;
  };
  if (takes_text(params, "base")) add("base");
  for (const ParamSpec& spec : numeric_specs())
    if (applies(spec, params)) add(spec.key);
  if (takes_text(params, "weighting")) add("weighting");
  if (takes_text(params, "solver")) add("solver");
  return keys;
}

// The bases of a hybrid that take `key`, e.g. "ease" or "itemknn or ease".
std::string bases_taking(const std::string& key) {
  std::string bases;
  for (const char* base : kBases) {
    TrainParams probe;
    probe.algorithm = Algorithm::hybrid;
    probe.base = parse_algorithm(base);
    const ParamSpec* spec = find_spec(key);
    if (spec != nullptr ? !applies(*spec, probe) : !takes_text(probe, key)) continue;
    if (!bases.empty()) bases += " or ";
    bases += base;
  }
  return bases;
}

std::string format_number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

void set_text(TrainParams& params, const ParamValue& value) {
  if (!value.is_text)
    throw InvalidArgument("parameter \"" + value.key + "\" must be a string, not " + format_number(value.number));
  if (value.key == "weighting") {
    for (int i = 0; i < 3; ++i)
      if (value.text == kWeightings[i]) {
        params.weighting = static_cast<Weighting>(i);
        return;
      }
    throw InvalidArgument("parameter \"weighting\" must be one of none, tfidf, bm25, not \"" + value.text + "\"");
  }
  if (value.key == "solver") {
    for (int i = 0; i < 2; ++i)
      if (value.text == kSolvers[i]) {
        params.solver = static_cast<Solver>(i);
        return;
      }
    throw InvalidArgument("parameter \"solver\" must be one of cg, cholesky, not \"" + value.text + "\"");
  }
  for (const char* base : kBases)
    if (value.text == base) {
      params.base = parse_algorithm(base);
      return;
    }
  throw InvalidArgument("parameter \"base\" must be one of ease, itemknn, ials, not \"" + value.text + "\"");
}

void set_number(TrainParams& params, const ParamSpec& spec, const ParamValue& value) {
  if (value.is_text)
    throw InvalidArgument("parameter \"" + value.key + "\" must be a number, not \"" + value.text + "\"");
  double v = value.number;
  if (!std::isfinite(v) || v < spec.min || v > spec.max)
    throw InvalidArgument("parameter \"" + value.key + "\" must be between " + format_number(spec.min) + " and " +
                          format_number(spec.max) + ", not " + format_number(v));
  if (spec.integer && v != std::floor(v))
    throw InvalidArgument("parameter \"" + value.key + "\" must be a whole number, not " + format_number(v));
  spec.set(params, v);
}

}  // namespace

const char* algorithm_names() { return "popularity, itemknn, ease, ials, content, hybrid"; }

const char* algorithm_name(Algorithm algorithm) {
  for (const AlgorithmName& a : kAlgorithms)
    if (a.algorithm == algorithm) return a.name;
  return "unknown";
}

Algorithm parse_algorithm(const std::string& name) {
  for (const AlgorithmName& a : kAlgorithms)
    if (name == a.name) return a.algorithm;
  throw InvalidArgument("unknown algorithm \"" + name + "\"; valid algorithms are " + algorithm_names());
}

TrainParams resolve_params(const std::string& algorithm, const std::vector<ParamValue>& given) {
  TrainParams params;
  params.algorithm = parse_algorithm(algorithm);
  // The base decides which other keys a hybrid takes, whatever their order.
  for (const ParamValue& value : given)
    if (value.key == "base" && takes_text(params, "base")) set_text(params, value);
  for (const ParamValue& value : given) {
    if (value.key == "base" && takes_text(params, "base")) continue;
    if (takes_text(params, value.key)) {
      set_text(params, value);
      continue;
    }
    const ParamSpec* spec = find_spec(value.key);
    if (spec != nullptr && applies(*spec, params)) {
      set_number(params, *spec, value);
      continue;
    }
    const std::string bases = params.algorithm == Algorithm::hybrid ? bases_taking(value.key) : "";
    if (!bases.empty())
      throw InvalidArgument("parameter \"" + value.key + "\" belongs to a hybrid with base " + bases + ", not " +
                            algorithm_name(params.base) + "; allowed parameters with base " +
                            algorithm_name(params.base) + " are " + allowed_keys(params));
    throw InvalidArgument("unknown parameter \"" + value.key + "\" for algorithm " + algorithm +
                          "; allowed parameters are " + allowed_keys(params));
  }
  return params;
}

TrainParams restore_params(const std::string& algorithm, const std::vector<ParamValue>& stored) {
  TrainParams params;
  params.algorithm = parse_algorithm(algorithm);
  for (const ParamValue& value : stored)
    if (value.key == "base" && value.is_text && params.algorithm == Algorithm::hybrid)
      for (const char* base : kBases)
        if (value.text == base) params.base = parse_algorithm(base);
  for (const ParamValue& value : stored) {
    if (value.key == "weighting" && value.is_text) {
      for (int i = 0; i < 3; ++i)
        if (value.text == kWeightings[i]) params.weighting = static_cast<Weighting>(i);
      continue;
    }
    if (value.key == "solver" && value.is_text) {
      for (int i = 0; i < 2; ++i)
        if (value.text == kSolvers[i]) params.solver = static_cast<Solver>(i);
      continue;
    }
    const ParamSpec* spec = find_spec(value.key);
    if (spec == nullptr || value.is_text || std::isnan(value.number)) continue;
    double v = std::clamp(value.number, spec->min, spec->max);
    spec->set(params, spec->integer ? std::round(v) : v);
  }
  return params;
}

std::vector<ParamValue> describe_params(const TrainParams& params) {
  std::vector<ParamValue> result;
  if (takes_text(params, "base")) result.push_back(ParamValue{"base", true, 0, algorithm_name(params.base)});
  for (const ParamSpec& spec : numeric_specs())
    if (applies(spec, params)) result.push_back(ParamValue{spec.key, false, spec.get(params), "", spec.integer});
  if (takes_text(params, "weighting"))
    result.push_back(ParamValue{"weighting", true, 0, kWeightings[static_cast<int>(params.weighting)]});
  if (takes_text(params, "solver"))
    result.push_back(ParamValue{"solver", true, 0, kSolvers[static_cast<int>(params.solver)]});
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
  // The training set in both orientations, its staging rows, and the stored model's tags and popularity.
  double bytes = 40.0 * static_cast<double>(size.interactions) + 40.0 * static_cast<double>(size.tag_entries) +
                 64.0 * players + 64.0 * games;
  Algorithm collaborative = params.algorithm == Algorithm::hybrid ? params.base : params.algorithm;
  const double neighbour_lists = games * params.neighbors * 8.0 * 2;
  switch (collaborative) {
    case Algorithm::itemknn:
      bytes += neighbour_lists + games * 16.0;
      break;
    case Algorithm::ease: {
      const double covered = std::min(games, static_cast<double>(params.max_games));
      bytes += 2 * covered * covered * sizeof(double) + neighbour_lists;
      break;
    }
      break;
    case Algorithm::ials:
      bytes += (players + games) * params.factors * sizeof(float) * 2 +
               static_cast<double>(params.factors) * params.factors * sizeof(double) * 4;
      break;
    default:
      break;
  }
  if (params.algorithm == Algorithm::content || params.algorithm == Algorithm::hybrid)
    bytes += games * params.content_neighbors * 8.0 * 2;
  return bytes;
}

}  // namespace steam_rec::rec
