#include "core/catalog_lending.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "core/algorithm_registry.hpp"
#include "core/catalog_gram.hpp"
#include "core/top_k.hpp"

namespace steam_rec::rec {
namespace {

using Owners = std::vector<std::int64_t>;

// A game nobody owns, tagged or not: the catalog reaches one without tags,
// which no tag lends a weight to (evaluate()'s held-out games are such when
// untagged; in a trained model every game nobody owns has tags).
bool is_new_game(const Owners& owners, std::int32_t g) { return owners[static_cast<std::size_t>(g)] == 0; }

// The median over owned games of the largest weight their row gives a new
// game (rows giving none left out); 0 when none does.
double lent_weight_scale(const Owners& owners, const SparseRows& neighbors) {
  std::vector<float> largest;
  for (std::int32_t g = 0; g < neighbors.rows(); ++g) {
    if (owners[static_cast<std::size_t>(g)] == 0) continue;
    float best = 0;
    for (std::int64_t p = neighbors.offset[g]; p < neighbors.offset[g + 1]; ++p)
      if (is_new_game(owners, neighbors.index[p])) best = std::max(best, neighbors.value[p]);
    if (best > 0) largest.push_back(best);
  }
  if (largest.empty()) return 0;
  auto middle = largest.begin() + static_cast<std::ptrdiff_t>(largest.size() / 2);
  std::nth_element(largest.begin(), middle, largest.end());
  return *middle;
}

// Per key of `keys` (game x key), the new games that have it.
SparseRows new_games_by_key(const SparseRows& keys, const Owners& owners) {
  SparseRows new_keys;
  for (std::int32_t g = 0; g < keys.rows(); ++g) {
    if (is_new_game(owners, g))
      for (std::int64_t p = keys.offset[g]; p < keys.offset[g + 1]; ++p) {
        new_keys.index.push_back(keys.index[p]);
        new_keys.value.push_back(keys.value[p]);
      }
    new_keys.offset.push_back(new_keys.nonzeros());
  }
  std::int32_t key_count = 0;
  for (std::int32_t k : keys.index) key_count = std::max(key_count, k + 1);
  return transpose(new_keys, key_count);
}

}  // namespace

namespace {

// A hybrid over a neighbour base lends new games weights through its rows:
// a factor base (ials) has none.
bool lends_into_new_games(const TrainParams& params) {
  return params.algorithm != nullptr && params.algorithm->default_base != nullptr && params.base != nullptr &&
         params.base->stores_neighbors && params.new_game_weight > 0;
}

}  // namespace

bool uses_catalog(const TrainParams& params) {
  if (params.algorithm == nullptr) return false;
  // EASE's Gram takes the facts in, alone or as a hybrid's base.
  const AlgorithmSpec* collaborative = params.algorithm->default_base != nullptr ? params.base : params.algorithm;
  if (collaborative != nullptr && std::string_view(collaborative->name) == "ease" && adds_catalog_gram(params))
    return true;
  return lends_into_new_games(params) && (params.studio_weight > 0 || params.series_weight > 0 ||
                                          params.name_word_weight > 0 || params.release_years_scale > 0);
}

const std::vector<std::string>& catalog_parameters() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const ParameterSpec& spec : parameter_specs())
      if (spec.weighs_catalog) k.emplace_back(spec.key);
    return k;
  }();
  return keys;
}

std::string catalog_parameters_above_zero(const TrainParams& params) {
  std::vector<std::string> above;
  for (const std::string& key : catalog_parameters()) {
    const ParameterSpec* spec = find_parameter(key);
    if (spec != nullptr && takes_parameter(*spec, params) && spec->get(params) > 0) above.push_back(key);
  }
  std::string joined;
  for (std::size_t i = 0; i < above.size(); ++i) {
    if (i > 0) joined += i + 1 == above.size() ? " and " : ", ";
    joined += above[i];
  }
  return joined;
}

void leave_catalog_out(TrainParams& params) {
  for (const std::string& key : catalog_parameters()) find_parameter(key)->set(params, 0);
}

bool uses_release_dates(const TrainParams& params) {
  return lends_into_new_games(params) && params.release_years_scale > 0;
}

void add_catalog_lendings(const TrainingSet& data, const Owners& owners, const CatalogWeights& weights,
                          std::int32_t count, SparseRows& neighbors, CancelCheck& cancel) {
  // A kind weighed 0 lends nothing: its keys are not visited.
  const bool by_keys = weights.studio > 0 || weights.series > 0, by_words = weights.name_words > 0;
  const SparseRows& keys = data.catalog_by_game();
  const SparseRows& words = data.name_words_by_game();
  const std::vector<double>& years = data.release_years_by_game();
  const bool by_dates = weights.release_years > 0 && !years.empty();
  if (!(by_keys && keys.nonzeros() > 0) && !(by_words && words.nonzeros() > 0) && !by_dates) return;
  const double scale = lent_weight_scale(owners, neighbors);
  if (scale <= 0) return;
  const SparseRows by_key = new_games_by_key(keys, owners);
  const SparseRows by_word = new_games_by_key(words, owners);
  const double weight_of_kind[3] = {scale * weights.studio, scale * weights.studio, scale * weights.series};
  const double weight_of_words = scale * weights.name_words;

  const std::int32_t games = neighbors.rows();
  // Per new game, whether the row's game reached it, the kinds they share
  // (bits) and the cosine of their names; reset after each row.
  std::vector<std::uint8_t> reached(static_cast<std::size_t>(games), 0), shared(static_cast<std::size_t>(games), 0);
  std::vector<double> cosine(static_cast<std::size_t>(games), 0);
  std::vector<std::int32_t> touched;
  auto reach = [&](std::int32_t n) {
    cancel.poll();
    if (!reached[static_cast<std::size_t>(n)]) touched.push_back(n);
    reached[static_cast<std::size_t>(n)] = 1;
  };
  auto catalog_weight = [&](std::int32_t n) {
    const std::uint8_t bits = shared[static_cast<std::size_t>(n)];
    double w = weight_of_words * cosine[static_cast<std::size_t>(n)];
    for (int kind = 0; kind < 3; ++kind)
      if (bits & (1u << kind)) w += weight_of_kind[kind];
    return w;
  };
  // How near in time game g is to new game n: exp(-|years apart| / scale),
  // 1 when a date is unknown (NaN) or dates are not weighed.
  auto nearness = [&](std::int32_t g, std::int32_t n) {
    if (!by_dates) return 1.0;
    const double apart = std::abs(years[static_cast<std::size_t>(g)] - years[static_cast<std::size_t>(n)]);
    return std::isnan(apart) ? 1.0 : std::exp(-apart / weights.release_years);
  };
  std::vector<Scored> known, lent;
  SparseRows result;
  result.offset.reserve(neighbors.offset.size());
  for (std::int32_t g = 0; g < games; ++g) {
    touched.clear();
    if (owners[static_cast<std::size_t>(g)] > 0 && by_keys)
      for (std::int64_t p = keys.offset[g]; p < keys.offset[g + 1]; ++p) {
        const std::int32_t key = keys.index[p];
        const auto kind_bit = static_cast<std::uint8_t>(1u << static_cast<int>(keys.value[p]));
        for (std::int64_t q = by_key.offset[key]; q < by_key.offset[key + 1]; ++q) {
          reach(by_key.index[q]);
          shared[static_cast<std::size_t>(by_key.index[q])] |= kind_bit;
        }
      }
    if (owners[static_cast<std::size_t>(g)] > 0 && by_words)
      for (std::int64_t p = words.offset[g]; p < words.offset[g + 1]; ++p) {
        const std::int32_t word = words.index[p];
        for (std::int64_t q = by_word.offset[word]; q < by_word.offset[word + 1]; ++q) {
          reach(by_word.index[q]);
          cosine[static_cast<std::size_t>(by_word.index[q])] += static_cast<double>(words.value[p]) * by_word.value[q];
        }
      }
    known.clear();
    lent.clear();
    for (std::int64_t p = neighbors.offset[g]; p < neighbors.offset[g + 1]; ++p) {
      const std::int32_t n = neighbors.index[p];
      if (!is_new_game(owners, n)) {
        known.push_back(Scored{neighbors.value[p], n});
        continue;
      }
      lent.push_back(Scored{static_cast<float>((neighbors.value[p] + catalog_weight(n)) * nearness(g, n)), n});
      reached[static_cast<std::size_t>(n)] = 0;  // counted: not added again below
    }
    for (std::int32_t n : touched) {
      const auto i = static_cast<std::size_t>(n);
      if (reached[i] != 0) lent.push_back(Scored{static_cast<float>(catalog_weight(n) * nearness(g, n)), n});
      reached[i] = 0;
      shared[i] = 0;
      cosine[i] = 0;
    }
    if (lent.size() > static_cast<std::size_t>(count)) {
      std::nth_element(lent.begin(), lent.begin() + count, lent.end(), better);
      lent.resize(static_cast<std::size_t>(count));
    }
    known.insert(known.end(), lent.begin(), lent.end());
    std::sort(known.begin(), known.end(), [](const Scored& a, const Scored& b) { return a.index < b.index; });
    for (const Scored& s : known) {
      result.index.push_back(s.index);
      result.value.push_back(s.score);
    }
    result.offset.push_back(result.nonzeros());
  }
  neighbors = std::move(result);
}

}  // namespace steam_rec::rec
