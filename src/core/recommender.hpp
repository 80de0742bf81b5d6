// Serving: ranks games for one player from a model image (model_image.hpp).
//
// A Recommender reads its model in place through a ModelView, which points
// into a buffer it keeps alive (a std::vector, or a file mapped by every
// backend of the server); the only memory of its own is the per-call scratch
// sized to the games.  rank() reads the model only; one Recommender can serve
// any number of calls.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cancel.hpp"
#include "core/game_model.hpp"
#include "core/model_view.hpp"
#include "core/reranker.hpp"
#include "core/top_k.hpp"
#include "core/touched_games.hpp"

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
  // Tag names match whatever the case of their ASCII letters (fold_tag_name).
  std::vector<std::string> include_tags;  // empty = no restriction; else any of them
  std::vector<std::string> exclude_tags;
  float diversity = 0;  // 0 = pure relevance, 1 = pure novelty (maximal marginal relevance)
  // Up to this many of the k places go to new games (nobody owned them when
  // the model was trained), the ones most like the player's games by tags.
  std::int32_t new_game_slots = 0;
  // A player's or visitor's list: a new game competes for its places by its
  // tags alone (its content score), as if the model lent it no weights; the
  // weights new_game_weight lends it order the new games of those kept
  // places.  Off for similar games and evaluate(), which rank by every score.
  bool new_games_by_tags = false;
  // A model's re-ranker re-orders the list.  Off for similar games: its
  // weights were fitted on players' lists.
  bool rerank = true;
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
  bool new_game = false;  // nobody owned it at training: `because` names the games tagged like it
  // A new game none of the player's games is tagged like: `because` names
  // the games whose rows lend it the most weight instead, and `basis` says
  // what it would without them (liked_tag or popular).
  bool lent = false;
};

// What a ranking can tell besides its list (Recommender::rank()).
struct RankDetails {
  // The mean and spread of the scores over every game the request allows.
  ScoreSpread spread;
  // When the image keeps the games' facts: the re-ranker's features of the
  // best games in the base model's order, before any re-ordering (row r is
  // result r of a list neither re-ranked, diversified nor given new-game
  // slots): what a re-ranker is fitted on.
  Eigen::MatrixXf features;
};

class Recommender {
 public:
  // Builds the model's image in memory and serves from it; throws
  // InvalidArgument for a model whose parts do not fit together.
  explicit Recommender(const GameModel& model);
  // Serves from an opened image; `owner` keeps the buffer behind `view` alive
  // as long as this Recommender lives.
  Recommender(std::shared_ptr<const void> owner, const ModelView& view);

  const ModelView& view() const { return view_; }
  // Not reentrant: ranking reuses scratch space sized to the model, so a call
  // costs time in proportion to the games it touches, not to every game.  A
  // backend serves one call at a time.
  // Every loop whose length a request controls polls `cancel`, which throws
  // Cancelled to stop; inputs are deduplicated first, so repeating an appid or
  // a tag costs nothing but reading it.
  // An image with a re-ranker re-orders the list's best rerank_candidates
  // games by it (before diversity and new-game slots); each game then takes
  // the base score of the place it moved to, so scores still fall down the
  // list.  With `details`, also fills them.
  std::vector<Recommendation> rank(const RankRequest& request, CancelCheck& cancel, RankDetails* details = nullptr);
  std::vector<Recommendation> rank(const RankRequest& request);
  // The requested tag names that match no tag of the model, each once (its
  // first spelling), in request order.
  std::vector<std::string> unknown_tags(const std::vector<std::string>& names, CancelCheck& cancel) const;
  // How alike two games are, 0..1 (the largest of their tag cosine and their
  // collaborative similarity); used for diversity.
  float similarity(std::int32_t a, std::int32_t b) const;
  // Bytes of the image it reads (shared when the image is a mapped file).
  std::size_t image_bytes() const { return view_.image_bytes; }
  // Bytes of its own: the per-call scratch.
  std::size_t scratch_bytes() const;

  // A tag name with its ASCII letters lower-cased: the key tags match by.
  static std::string fold_tag_name(const std::string& name);

 private:
  struct Scales;
  struct Eligibility;
  // What explain() reads per (result r, owned game o), at r * owned + o:
  // the stored neighbor and content-neighbor weights; empty when not filled.
  struct PairWeights {
    std::vector<float> neighbor, content;
  };
  // `counts_support`: also each game's support and best link (support_).
  Scales score(const std::vector<std::int32_t>& owned, const std::vector<float>& weights, bool counts_support,
               CancelCheck& cancel);
  void touch(std::int32_t game);
  float add_content(std::int32_t game, float weight, CancelCheck& cancel);
  template <bool kCountsSupport>
  float add_row(const SparseView& list, std::int32_t row, float weight, float* scores, CancelCheck& cancel);
  void count_support_only(const std::vector<std::int32_t>& owned, CancelCheck& cancel);
  void exclude(std::int32_t game);
  void mark_tags(const std::vector<std::string>& names, std::uint8_t bit, std::vector<std::int32_t>* in_order,
                 CancelCheck& cancel);
  void clear_scratch();
  float total(const Scales& scales, std::int32_t game) const;
  float largest_known_score(CancelCheck& cancel) const;
  float listed_total(const Scales& scales, const Eligibility& eligibility, std::int32_t game) const;
  // Of the touched games select() scored: the sum of (score - its
  // popularity part) and of (score² - that part²), what spread() adds to
  // the popularity parts' sums.
  struct TouchedSums {
    double sum = 0, squares = 0;
  };
  std::vector<Scored> select(const Scales& scales, const Eligibility& eligibility, std::size_t pool,
                             CancelCheck& cancel, TouchedSums* sums = nullptr) const;
  ScoreSpread spread(const Scales& scales, const Eligibility& eligibility, const TouchedSums& touched,
                     CancelCheck& cancel);
  double popularity_part(std::int32_t game) const;
  // Makes room in `chosen` for up to `slots` new games liked by content: the
  // best eligible ones not already listed replace the list's last others.
  void reserve_new_games(const Scales& scales, const Eligibility& eligibility, std::size_t slots, std::size_t k,
                         std::vector<Scored>& chosen, CancelCheck& cancel) const;
  bool is_new_game(std::int32_t game) const { return view_.popularity[game] == 0; }
  // The re-ranker's features of the pool's first `count` games (the support
  // and the best link 0 unless score() counted them).
  Eigen::MatrixXf pool_features(const std::vector<std::int32_t>& owned, const Eligibility& eligibility,
                                const Scales& scales, const ScoreSpread& spread, const std::vector<Scored>& pool,
                                std::size_t count, bool counted_support);
  std::vector<Scored> diversify(const std::vector<Scored>& pool, std::size_t k, float diversity,
                                CancelCheck& cancel) const;
  void pair_weights(const Scales& scales, const std::vector<std::int32_t>& owned, const std::vector<Scored>& chosen,
                    PairWeights* pairs, CancelCheck& cancel);
  void explain(const Scales& scales, const std::vector<std::int32_t>& owned, const std::vector<float>& weights,
               const Eligibility& eligibility, const float* neighbor_row, const float* content_row,
               Recommendation& result, std::int32_t game, CancelCheck& cancel) const;
  float neighbor_weight(std::int32_t from, std::int32_t to) const;
  float content_weight(std::int32_t from, std::int32_t to) const;
  float tag_cosine(std::int32_t a, std::int32_t b) const;
  bool has_tag(std::int32_t game, std::int32_t tag) const;

  void allocate_scratch();

  std::shared_ptr<const void> owner_;  // the buffer view_ points into
  ModelView view_;
  // The image's re-ranker, and a builder of its features (with a scratch
  // tag profile) when the image keeps the games' facts.
  Reranker reranker_;
  std::optional<RerankFeatureBuilder> rerank_features_;

  // Per-call scratch: component scores of the games touched so far, one byte
  // of flags per game (kTouched, kExcluded, kOwned, kChosen: one cache line
  // serves every test of a game), and which tags the filters name (bits kIncludeTag,
  // kExcludeTag; allocated by the first call that filters by tag); each list
  // says what to clear when the call ends.
  std::vector<float> collaborative_, content_;
  std::vector<std::uint8_t> game_flags_, tag_filter_;
  TouchedGames touched_;
  std::vector<std::int32_t> excluded_, owned_list_, filtered_tags_, chosen_list_;
  // Per game, how many of the player's neighbour lists hold it and the
  // largest part one of them gives it before the collaborative scale
  // (allocated when the image keeps the re-ranker's facts; counted while
  // the lists are summed, where a second walk took a seventh of a call).
  struct Support {
    float lists = 0, best_link = 0;
  };
  std::vector<Support> support_;
  // The games count_support_only() counted (cleared with the touched ones).
  std::vector<std::int32_t> counted_only_;
  bool flagged(std::int32_t game, std::uint8_t flag) const { return (game_flags_[game] & flag) != 0; }
  // Every game's popularity part and its square, summed by the first
  // spread() (a copy of the Recommender copies them).
  struct PopularitySums {
    bool ready = false;
    double sum = 0, squares = 0;
  } popularity_sums_;
};

}  // namespace steam_rec::rec
