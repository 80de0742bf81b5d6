// Serving: ranks games for one player from a trained GameModel.
//
// A Recommender owns its model plus the indexes that make scoring fast (tag ->
// games, the factors' Gram matrix).  rank() reads only; one Recommender can
// serve any number of calls.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/game_model.hpp"

namespace steam_rec::rec {

struct PlayerGame {
  std::int32_t appid;
  float engagement;  // 0..1; NaN = unknown, counts as 0
};

struct RankRequest {
  std::vector<PlayerGame> games;  // what the player owns, or a visitor's list
  std::int32_t k = 10;
  bool exclude_owned = true;
  std::vector<std::int32_t> exclude_appids;
  std::vector<std::string> include_tags;  // empty = no restriction; else any of them
  std::vector<std::string> exclude_tags;
  float diversity = 0;  // 0 = pure relevance, 1 = pure novelty (maximal marginal relevance)
};

enum class Basis {
  played,     // because_appids name the player's games behind it
  liked_tag,  // popular among games with the requested tag (tag says which)
  popular     // popular on Steam
};

struct Recommendation {
  std::int32_t appid = 0;
  float score = 0;
  std::int32_t because[3] = {0, 0, 0};
  std::int32_t because_count = 0;
  Basis basis = Basis::popular;
  std::string tag;
};

class Recommender {
 public:
  explicit Recommender(GameModel model);

  const GameModel& model() const { return model_; }
  std::vector<Recommendation> rank(const RankRequest& request) const;
  // How alike two games are, 0..1 (the largest of their tag cosine and their
  // collaborative similarity); used for diversity.
  float similarity(std::int32_t a, std::int32_t b) const;
  std::size_t memory_bytes() const;

 private:
  struct Scores;
  Scores score(const std::vector<std::int32_t>& owned, const std::vector<float>& weights) const;
  std::vector<std::uint8_t> eligible(const RankRequest& request, const std::vector<std::int32_t>& owned) const;
  void explain(const Scores& scores, const std::vector<std::int32_t>& owned, const std::vector<float>& weights,
               const RankRequest& request, Recommendation& result, std::int32_t game) const;
  float neighbour_weight(std::int32_t from, std::int32_t to) const;
  float tag_cosine(std::int32_t a, std::int32_t b) const;
  bool has_tag(std::int32_t game, std::int32_t tag) const;

  GameModel model_;
  SparseRows games_by_tag_;          // tag x game, the TF-IDF weights
  std::vector<float> max_neighbour_;  // per game, its largest neighbour weight
  Eigen::MatrixXf gram_;             // factors' * factors
};

}  // namespace steam_rec::rec
