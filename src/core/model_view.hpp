// A read-only view of a model image (model_image.hpp): pointers into one flat
// buffer, owning nothing.
//
// The same view serves from a std::vector (unit tests, the in-memory
// fallback) or from a file every backend maps; the Recommender ranks from it.
// Everything derived from the stored model that ranking needs (tag -> games,
// largest neighbor weight, popularity order, the factors' Gram matrix, the
// case-folded tag-name index) is part of the image, so opening one computes
// nothing.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cstdint>
#include <string_view>

#include "core/game_model.hpp"

namespace steam_rec::rec {

// Compressed sparse rows over the image: row r is [offset[r], offset[r + 1]).
struct SparseView {
  const std::int64_t* offset = nullptr;  // rows + 1 entries
  const std::int32_t* index = nullptr;
  const float* value = nullptr;
  std::int32_t rows = 0;
  std::int64_t nonzeros = 0;

  std::int64_t begin(std::int32_t row) const { return offset[row]; }
  std::int64_t end(std::int32_t row) const { return offset[row + 1]; }
  // The weight of (row, column), 0 when absent; rows ascend, so a binary search.
  float find(std::int32_t row, std::int32_t column) const {
    const std::int32_t* first = index + offset[row];
    const std::int32_t* last = index + offset[row + 1];
    const std::int32_t* it = std::lower_bound(first, last, column);
    return it != last && *it == column ? value[it - index] : 0.0f;
  }
};

struct ModelView {
  using ConstMatrix = Eigen::Map<const Eigen::MatrixXf>;

  std::int32_t game_count = 0;
  std::int32_t tag_count = 0;
  std::int32_t factor_count = 0;
  const std::int32_t* appids = nullptr;  // ascending; a game's number is its position
  const float* popularity = nullptr;
  SparseView neighbors;                            // game x game
  SparseView content_neighbors;                    // game x game
  SparseView tags;                                 // game x tag
  SparseView games_by_tag;                         // tag x game, the transpose of tags
  const float* factor_data = nullptr;              // games x factors, column-major
  const float* gram_data = nullptr;                // factors x factors
  const std::uint32_t* tag_name_offset = nullptr;  // tag_count + 1 entries into tag_name_chars
  const char* tag_name_chars = nullptr;
  const std::int32_t* tags_by_folded_name = nullptr;  // tag numbers by (folded name, number)
  const float* max_neighbor = nullptr;                // per game, its largest neighbor weight
  const std::int32_t* by_popularity = nullptr;        // games, most popular first
  const float* rerank_facts = nullptr;                // games x kRerankGameFacts, or null
  const float* reranker = nullptr;                    // reranker_numbers of them (a RerankShape's), or null
  std::int32_t reranker_numbers = 0;
  std::int32_t rerank_candidates = 0;  // > 0 only with both
  InteractionWeight weight;
  FoldIn fold_in;
  Blend blend;
  std::size_t image_bytes = 0;

  std::int32_t games() const { return game_count; }
  bool has_neighbors() const { return neighbors.nonzeros > 0; }
  bool has_content_neighbors() const { return content_neighbors.nonzeros > 0; }
  bool has_tags() const { return tags.nonzeros > 0; }
  bool has_factors() const { return factor_count > 0 && game_count > 0; }
  bool reranks() const { return rerank_candidates > 0 && reranker != nullptr && rerank_facts != nullptr; }
  ConstMatrix factors() const { return ConstMatrix(factor_data, game_count, factor_count); }
  ConstMatrix gram() const { return ConstMatrix(gram_data, factor_count, factor_count); }

  // The game number of an appid, or -1.
  std::int32_t game_index(std::int32_t appid) const {
    const std::int32_t* it = std::lower_bound(appids, appids + game_count, appid);
    return it != appids + game_count && *it == appid ? static_cast<std::int32_t>(it - appids) : -1;
  }
  std::string_view tag_name(std::int32_t tag) const {
    return std::string_view(tag_name_chars + tag_name_offset[tag], tag_name_offset[tag + 1] - tag_name_offset[tag]);
  }
  // The tags whose names equal `name` ignoring the case of ASCII letters, as
  // [*first, *last) of tags_by_folded_name, in ascending tag number.
  void tags_named(std::string_view name, const std::int32_t** first, const std::int32_t** last) const;
};

// -1, 0 or 1 as a compares to b with ASCII letters lower-cased.
int compare_folded(std::string_view a, std::string_view b);

}  // namespace steam_rec::rec
