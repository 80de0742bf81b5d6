// The one list of the algorithms steam_rec trains and of the parameters they
// take.  Everything else reads it: train()'s validation and error texts,
// evaluate()'s list, the memory check and its hint, steam_rec.algorithms()
// (and through it the SQL tests and the benchmark), and the unit tests.
// Adding an algorithm is one entry in algorithm_registry.cpp (see the README,
// "Adding an algorithm"); a test fails when another file lists the names.
#pragma once

#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/cancel.hpp"
#include "core/game_model.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

enum class ParamKind { integer, number, text };

// One training parameter: its key, kind, range or allowed values, and where
// TrainParams keeps it.  A number's default is its value in TrainParams{}.
struct ParameterSpec {
  const char* key;
  ParamKind kind;
  bool every_algorithm;  // taken by every algorithm, not listed per algorithm
  double min, max;       // numbers
  double (*get)(const TrainParams&);
  void (*set)(TrainParams&, double);
  // Text parameters: the allowed values, reading and setting one of them.
  std::vector<std::string> (*values)();
  std::string (*get_text)(const TrainParams&);
  void (*set_text)(TrainParams&, const std::string&);
  // A number key added after models were stored: the value such a model,
  // whose stored parameters lack the key, was trained with (the algorithm
  // then behaved so), when it differs from today's default.  NaN: the default.
  double absent = std::numeric_limits<double>::quiet_NaN();
  // The key existed before with `absent` as its default (only the default
  // changed): models of then store it and that SQL names it, so it is kept in
  // the parameters a database at that SQL stores.
  bool key_existed_before = false;
  // The SQL version (major * 100 + minor) whose train() first took today's
  // default rather than `absent`; older SQL keeps `absent` (Defaults).
  int default_changed_in = 0;
  // Its default holds only where the re-ranker can be stored: elsewhere it
  // is `absent` (Defaults::stores_reranker).
  bool default_needs_stored_reranker = false;
  // It weighs the catalog's facts: a value above 0 asks training to read
  // catalog_cache (catalog_parameters()).
  bool weighs_catalog = false;
};

// Whether, under `defaults`, a key not given takes its "absent" value.
bool default_is_absent(const ParameterSpec& spec, const Defaults& defaults);
// Whether a database at the SQL of `defaults` predates the key's change.
bool sql_predates_change(const ParameterSpec& spec, const Defaults& defaults);

// One algorithm: what it is, what it takes, how it trains, what it stores,
// what it costs in memory and how serving blends its scores.
struct StagedRows;

struct AlgorithmSpec {
  const char* name;
  const char* description;
  const char* stores;                   // what a stored model of it holds besides popularity and tags
  std::vector<const char*> parameters;  // its own keys (engagement_weight is everyone's)
  bool can_be_base;                     // a combining algorithm may use it as its collaborative part
  bool stores_neighbors;                // its model has game x game neighbour rows (GameModel::neighbors)
  const char* default_base;             // non-null: combines with a base, this one unless "base" says otherwise
  // Fills its parts of `model` (popularity and tags are every model's).
  void (*train)(const TrainingSet& data, const TrainParams& params, GameModel& model, CancelCheck& cancel);
  // Bytes its own parts need at the peak of training, beyond the shared part.
  double (*memory_bytes)(const TrainParams& params, const DataSize& size);
  // Bytes `threads` threads add to its training: each thread's scratch and
  // any partial sums kept for a fixed reduction order.
  double (*thread_bytes)(const TrainParams& params, const DataSize& size, int threads);
  // How serving mixes collaborative, content and popularity scores.
  Blend (*blend)(const TrainParams& params);
  // Serving settings it needs beyond the blend (nullptr: none).
  void (*prepare_serving)(const TrainParams& params, GameModel& model);
  // For an algorithm whose last step is one game x game matrix: that
  // matrix's row inputs, given every other part of the model (train() gives
  // the same model), so its rows can be stored while they are computed;
  // nullptr: none.
  std::unique_ptr<StagedRows> (*staged_rows)(const TrainingSet& data, const TrainParams& params,
                                             const GameModel& model) = nullptr;
};

// Every algorithm, in the order messages and evaluate() list them.
const std::vector<AlgorithmSpec>& algorithms();
// Every parameter, in the order messages and stored models list them.
const std::vector<ParameterSpec>& parameter_specs();

// The algorithm of that name, or nullptr.
const AlgorithmSpec* find_algorithm(const std::string& name);
// The parameter of that key, or nullptr.
const ParameterSpec* find_parameter(const std::string& key);
// Whether `params`' algorithm (with its base, if it takes one) takes `spec`.
bool takes_parameter(const ParameterSpec& spec, const TrainParams& params);
// Whether the algorithm takes `spec` whatever its base; for a combining
// algorithm, *bases is set to the bases that bring it ("" when its own).
bool lists_parameter(const AlgorithmSpec& algorithm, const ParameterSpec& spec, std::string* bases);

// The algorithms whose default parameters fit in `budget_bytes` on data of
// `size`, other than `except`, comma separated with "or" before the last;
// empty when none does.  For the memory check's hint.
std::string algorithms_within(double budget_bytes, const DataSize& size, const AlgorithmSpec* except);

}  // namespace steam_rec::rec
