// What steam_rec.algorithms() shows of a registry entry: its parameters as
// JSON text, each with its kind, default and range or allowed values.
#pragma once

#include <string>

#include "core/algorithm_registry.hpp"
#include "core/train_params.hpp"

namespace steam_rec::rec {

// {"key": {"kind": "integer"|"number"|"text", "default": ..., "min": ...,
// "max": ...} or, for text, "values": [...]; a number whose missing key a
// stored model reads as something else than the default also has "absent";
// a parameter only some bases of a combining algorithm take also names them
// in "bases": [...]}.  The defaults are those train() uses under `defaults`
// (an older SQL's, or none for the re-ranker on Citus), and a key whose
// change that SQL predates has no "absent": its default is that value.
std::string parameters_json(const AlgorithmSpec& algorithm, Defaults defaults = Defaults{});

}  // namespace steam_rec::rec
