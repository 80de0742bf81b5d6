// The algorithms steam_rec trains and the parameters each accepts.
//
// Parameters arrive as (key, value) pairs from the caller's jsonb; resolve()
// checks every key and value and fills in the defaults, so a stored model
// records exactly what it was trained with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace steam_rec::rec {

enum class Algorithm { popularity, itemknn, ease, ials, content, hybrid };
enum class Weighting { none, tfidf, bm25 };

struct TrainParams {
  Algorithm algorithm = Algorithm::hybrid;
  Algorithm base = Algorithm::ease;  // hybrid: the collaborative part
  float engagement_weight = 0;

  // itemknn and ease: neighbours kept per game
  std::int32_t neighbors = 100;
  // itemknn
  float shrinkage = 10;
  Weighting weighting = Weighting::bm25;
  float bm25_k1 = 1.2f;
  float bm25_b = 0.75f;
  // ease: lambda, and how many of the most-owned games it covers (its
  // memory and time grow with the square and cube of that number)
  float lambda = 50;
  std::int32_t max_games = 5000;
  // ials
  std::int32_t factors = 128;
  std::int32_t iterations = 15;
  float regularization = 0.02f;
  float alpha = 5;
  float unobserved_weight = 0.5f;
  float exponent = 1;
  std::int32_t seed = 42;
  // content and hybrid: games kept per owned game, by tag cosine
  std::int32_t content_neighbors = 50;
  // hybrid
  float content_weight = 0.05f;
};

struct ParamValue {
  std::string key;
  bool is_text = false;
  double number = 0;
  std::string text;
};

// Every algorithm name, comma separated, for messages.
const char* algorithm_names();
const char* algorithm_name(Algorithm algorithm);
// Throws InvalidArgument naming the valid algorithms.
Algorithm parse_algorithm(const std::string& name);

// Throws InvalidArgument for an unknown key (listing the allowed ones), a value
// of the wrong kind or out of range (naming the range).
TrainParams resolve_params(const std::string& algorithm, const std::vector<ParamValue>& given);
// The parameters that apply to the algorithm, defaults included.
std::vector<ParamValue> describe_params(const TrainParams& params);

struct DataSize {
  std::int64_t players = 0;
  std::int64_t games = 0;
  std::int64_t interactions = 0;
  std::int64_t tag_entries = 0;
};

// What training will allocate at its peak, in bytes (an upper estimate).
double training_memory_bytes(const TrainParams& params, const DataSize& size);

}  // namespace steam_rec::rec
