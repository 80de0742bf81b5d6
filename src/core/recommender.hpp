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
#include "core/top_k.hpp"

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
  // Not reentrant: ranking reuses scratch space sized to the model, so a call
  // costs time in proportion to the games it touches, not to every game.  A
  // backend serves one call at a time.
  std::vector<Recommendation> rank(const RankRequest& request);
  // How alike two games are, 0..1 (the largest of their tag cosine and their
  // collaborative similarity); used for diversity.
  float similarity(std::int32_t a, std::int32_t b) const;
  std::size_t memory_bytes() const;

 private:
  struct Scales;
  struct Eligibility;
  Scales score(const std::vector<std::int32_t>& owned, const std::vector<float>& weights);
  void touch(std::int32_t game);
  float add_content(std::int32_t game, float weight);
  void exclude(std::int32_t game);
  void clear_scratch();
  float total(const Scales& scales, std::int32_t game) const;
  std::vector<Scored> select(const Scales& scales, const Eligibility& eligibility, std::size_t pool) const;
  void explain(const Scales& scales, const std::vector<std::int32_t>& owned, const std::vector<float>& weights,
               const RankRequest& request, Recommendation& result, std::int32_t game) const;
  float neighbour_weight(std::int32_t from, std::int32_t to) const;
  float content_weight(std::int32_t from, std::int32_t to) const;
  float tag_cosine(std::int32_t a, std::int32_t b) const;
  bool has_tag(std::int32_t game, std::int32_t tag) const;

  GameModel model_;
  SparseRows games_by_tag_;                 // tag x game, the TF-IDF weights
  std::vector<float> max_neighbour_;        // per game, its largest neighbour weight
  std::vector<std::int32_t> by_popularity_;  // games, most popular first
  Eigen::MatrixXf gram_;                    // factors' * factors

  // Per-call scratch: component scores of the games touched so far.
  std::vector<float> collaborative_, content_;
  std::vector<std::uint8_t> touched_flag_, excluded_flag_;
  std::vector<std::int32_t> touched_, excluded_;
};

}  // namespace steam_rec::rec
