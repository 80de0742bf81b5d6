// Offline evaluation: hold out part of each player's games, train on the
// rest, and measure how well each algorithm ranks the held-out games.
//
// Protocol: keep players with at least min_games games and games with at
// least min_games owners, repeating until both hold; hold out a seeded random
// share of each remaining player's games; train on the rest; rank every game
// the player does not own in the training part; Recall@k, NDCG@k (binary),
// hit rate, and coverage (share of games recommended to anyone).  With
// validation, the held-out (test) games are set aside for their player:
// neither trained on nor ranked, and the same share of the rest is held out.
//
// The new-games protocol (EvalOptions::new_games) holds out a seeded share of
// the games entirely instead: every owner's row of them.  Training never sees
// an owner of a held-out game, as with a game just added to the catalog; each
// player who owns one ranks all held-out games, and the measures are taken
// within that set.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cancel.hpp"
#include "core/ranking_metrics.hpp"
#include "core/recommender.hpp"
#include "core/train_params.hpp"
#include "core/training_set.hpp"

namespace steam_rec::rec {

struct EvalPlay {
  std::int64_t player;
  std::int32_t appid;
  float engagement;  // the stored score; prepare() replaces it by a refit on the training part
  double hours;
  double recent_hours = 0;             // last two weeks
  double days_since_last_played = -1;  // < 0: unknown
};

struct EvalOptions {
  std::int32_t k = 20;
  double holdout = 0.2;
  std::uint32_t seed = 42;
  std::int32_t min_games = 5;
  bool engaged_only = false;  // a held-out game counts only if played at least 2 hours
  bool validation = false;    // evaluate on a split carved from the training part (for tuning)
  bool new_games = false;     // hold out whole games (new_games_share of them), rank them among themselves
  double new_games_share = 0.1;
};

struct EvalScore {
  double recall = 0;
  double ndcg = 0;
  double hit_rate = 0;
  double coverage = 0;
  std::int32_t players = 0;  // players with at least one relevant held-out game
  double train_seconds = 0;
};

class Evaluation {
 public:
  static constexpr double kEngagedHours = 2.0;

  void add_play(const EvalPlay& play) { plays_.push_back(play); }
  void add_tag(std::int32_t appid, std::string_view tag, std::int32_t position);
  // A game's catalog facts, as TrainingSet::add_catalog() takes them.
  void add_catalog(std::int32_t appid, std::string_view developers, std::string_view publishers, std::string_view name,
                   std::optional<std::int32_t> release_day = std::nullopt);
  // The catalog's rows as held here (whatever is evaluated), and as the
  // training of an algorithm that reads them builds them
  // (TrainingSet::catalog_row_bytes()): what the memory estimate counts.
  double catalog_held_bytes() const { return catalog_held_bytes_; }
  double catalog_training_bytes() const { return catalog_training_bytes_; }
  // What a tag row held here costs (whatever is evaluated); its name is
  // held once per distinct name, as tag_name_bytes() counts.
  static double held_tag_row_bytes();
  // The distinct tag names added, as TrainingSet::tag_name_bytes() counts
  // them: held here, and once more by the training of each algorithm
  // (DataSize::tag_name_bytes).
  double tag_name_bytes() const { return tag_name_bytes_; }
  std::int64_t tag_rows() const { return static_cast<std::int64_t>(tags_.size()); }
  bool has_tag_name(std::string_view name) const { return tag_names_.seen(name); }
  // What catalog_held_bytes() counts for a row.
  static double held_row_bytes(std::string_view developers, std::string_view publishers, std::string_view name);
  // Filters and splits.  Throws InvalidArgument when no player is left.
  void prepare(const EvalOptions& options, CancelCheck& cancel);
  std::int32_t players() const { return static_cast<std::int32_t>(train_.size()); }
  std::int32_t games() const { return static_cast<std::int32_t>(universe_.size()); }
  std::int64_t training_plays() const;
  // The engagement score training uses for a play; NaN when the play is not
  // in the training part (held out, filtered, or never owned).
  float training_engagement(std::int64_t player, std::int32_t appid) const;

  EvalScore evaluate(const TrainParams& params, CancelCheck& cancel) const;
  // The new-games floor: every player gets the same list of the held-out
  // games, best first by the sum over each game's tags of the tag's
  // popularity (training plays of the games carrying it); ties by appid.
  EvalScore evaluate_tag_popularity(CancelCheck& cancel) const;
  // The held-out games of the new-games protocol, sorted (empty otherwise).
  const std::vector<std::int32_t>& new_games() const { return new_games_; }

 private:
  struct Play {
    std::int32_t appid;
    float engagement;
    double hours;
    double recent_hours;
    double days_since_last_played;
  };
  struct Tag {
    std::int32_t appid;
    std::int32_t name;  // its number in tag_names_
    std::int32_t position;
  };

  // Scores every training play with engagement statistics fitted on the
  // training plays alone, so no held-out playtime leaks into the weights.
  void refit_engagement(CancelCheck& cancel);
  // Chooses the held-out games of the new-games protocol among universe_;
  // with validation, the held-out ones are chosen again among the rest and
  // the first choice is set aside (dropped) so tuning never sees it.
  void choose_new_games(std::vector<std::int32_t>* dropped);
  // The training set of these plays (per kept player) over the kept games,
  // with the catalog when the parameters read it.
  TrainingSet training_set(const std::vector<std::vector<Play>>& plays, const TrainParams& params,
                           CancelCheck& cancel) const;
  // Runs body(ranker, p) for every kept player on parallel threads, each
  // thread with its own copy of `recommender` (ranking reuses scratch).
  void for_each_player(Recommender& recommender,
                       const std::function<void(Recommender& ranker, std::size_t player)>& body,
                       CancelCheck& cancel) const;
  // Averages each ranked player's list quality; coverage over `catalog` games.
  EvalScore summarise(const std::vector<std::vector<std::int32_t>>& ranked, const std::vector<ListQuality>& quality,
                      std::size_t catalog) const;

  std::vector<EvalPlay> plays_;
  std::vector<Tag> tags_;
  TagNumbers tag_names_;
  double tag_name_bytes_ = 0;
  struct CatalogRow {
    std::int32_t appid;
    std::string developers;
    std::string publishers;
    std::string name;
    std::optional<std::int32_t> release_day;
  };
  std::vector<CatalogRow> catalog_;
  double catalog_held_bytes_ = 0;
  double catalog_training_bytes_ = 0;
  EvalOptions options_;
  std::vector<std::int64_t> player_ids_;             // per kept player
  std::vector<std::vector<Play>> train_;             // per kept player, what training sees
  std::vector<std::vector<std::int32_t>> relevant_;  // per kept player, sorted held-out appids that count
  std::vector<std::int32_t> universe_;               // sorted appids that survived the filter
  std::vector<std::int32_t> new_games_;              // sorted held-out games (new-games protocol)
  std::vector<std::int32_t> not_new_games_;          // universe_ without them: what ranking excludes
  // Per kept player, with validation: their sorted test games, excluded from
  // their ranking like owned games (empty otherwise).
  std::vector<std::vector<std::int32_t>> set_aside_;
};

}  // namespace steam_rec::rec
