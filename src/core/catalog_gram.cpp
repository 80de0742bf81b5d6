#include "core/catalog_gram.hpp"

#include <algorithm>

#include "core/parallel.hpp"

namespace steam_rec::rec {
namespace {

// Covered games per chunk, as the Gram's own.
constexpr std::int64_t kGamesPerChunk = 16;

// The weighted facts of the covered games: row g (a game number) holds its
// keys, then its name words after every key, each valued weight x its value
// in K; rows of games not covered are empty.  A kind weighed 0 is left out.
SparseRows weighted_facts(const TrainingSet& data, const std::vector<std::int32_t>& dense_of,
                          const TrainParams& params) {
  const SparseRows& keys = data.catalog_by_game();
  const SparseRows& words = data.name_words_by_game();
  std::int32_t key_count = 0;
  for (std::int32_t k : keys.index) key_count = std::max(key_count, k + 1);
  const double weight_of_kind[3] = {params.catalog_studio_weight, params.catalog_studio_weight,
                                    params.catalog_series_weight};
  SparseRows facts;
  for (std::int32_t g = 0; g < data.games(); ++g) {
    if (dense_of[static_cast<std::size_t>(g)] >= 0) {
      if (g < keys.rows())
        for (std::int64_t p = keys.offset[g]; p < keys.offset[g + 1]; ++p) {
          const double weight = weight_of_kind[static_cast<int>(keys.value[p])];
          if (weight <= 0) continue;
          facts.index.push_back(keys.index[p]);
          facts.value.push_back(static_cast<float>(weight));
        }
      if (g < words.rows() && params.catalog_name_weight > 0)
        for (std::int64_t p = words.offset[g]; p < words.offset[g + 1]; ++p) {
          facts.index.push_back(key_count + words.index[p]);
          facts.value.push_back(static_cast<float>(params.catalog_name_weight * words.value[p]));
        }
    }
    facts.offset.push_back(facts.nonzeros());
  }
  return facts;
}

}  // namespace

bool adds_catalog_gram(const TrainParams& params) {
  return params.catalog_name_weight > 0 || params.catalog_studio_weight > 0 || params.catalog_series_weight > 0;
}

void add_catalog_gram(Eigen::Ref<Eigen::MatrixXd> gram, const std::vector<std::int32_t>& game_of,
                      const TrainingSet& data, const TrainParams& params, CancelCheck& cancel) {
  if (!adds_catalog_gram(params)) return;
  if (data.catalog_by_game().nonzeros() == 0 && data.name_words_by_game().nonzeros() == 0) return;
  std::vector<std::int32_t> dense_of(static_cast<std::size_t>(data.games()), -1);
  for (std::size_t i = 0; i < game_of.size(); ++i) dense_of[game_of[i]] = static_cast<std::int32_t>(i);
  const SparseRows facts = weighted_facts(data, dense_of, params);
  if (facts.nonzeros() == 0) return;
  std::int32_t fact_count = 0;
  for (std::int32_t f : facts.index) fact_count = std::max(fact_count, f + 1);
  // Per fact, its covered games in ascending order (so dense numbers ascend).
  const SparseRows games_of_fact = transpose(facts, fact_count);

  // Column i (upper triangle, j <= i) gets, over i's facts in order and each
  // fact's games up to i, the product of the two games' weighted values:
  // (F F')(j, i) with F = facts, i.e. sum over kinds of weight^2 (K K')(j, i).
  parallel_for(
      static_cast<std::int64_t>(game_of.size()), kGamesPerChunk,
      [&](const Chunk& chunk, int) {
        for (std::int64_t i = chunk.begin; i < chunk.end; ++i) {
          const std::int32_t g = game_of[static_cast<std::size_t>(i)];
          double* column = &gram(0, static_cast<Eigen::Index>(i));
          for (std::int64_t p = facts.offset[g]; p < facts.offset[g + 1]; ++p) {
            const std::int32_t f = facts.index[p];
            const double value = facts.value[p];
            for (std::int64_t q = games_of_fact.offset[f]; q < games_of_fact.offset[f + 1]; ++q) {
              const std::int32_t j = dense_of[static_cast<std::size_t>(games_of_fact.index[q])];
              if (j > i) break;
              column[j] += value * games_of_fact.value[q];
            }
          }
        }
      },
      cancel);
}

}  // namespace steam_rec::rec
