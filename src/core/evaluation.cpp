#include "core/evaluation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "core/catalog_lending.hpp"
#include "core/engagement_refresh_model.hpp"
#include "core/errors.hpp"
#include "core/parallel.hpp"
#include "core/ranking_metrics.hpp"
#include "core/recommender.hpp"
#include "core/seeded_split.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {
namespace {

// Players per chunk of the parallel ranking.
constexpr std::int64_t kPlayersPerChunk = 32;

// The second split's seed is the seed xor this (prepare() and the new
// games' validation choice).
constexpr std::uint32_t kSecondSplitSalt = 0x9e3779b9u;

}  // namespace

void Evaluation::add_tag(std::int32_t appid, std::string_view tag, std::int32_t position) {
  const std::size_t names_before = tag_names_.keys().size();
  tags_.push_back(Tag{appid, tag_names_.number(tag), position});
  if (tag_names_.keys().size() > names_before) tag_name_bytes_ += TrainingSet::tag_name_bytes(tag);
}

// Each row three times: while the vector grows, its old and doubled buffers
// are both held.
double Evaluation::held_tag_row_bytes() { return 3.0 * sizeof(Tag); }

void Evaluation::add_catalog(std::int32_t appid, std::string_view developers, std::string_view publishers,
                             std::string_view name, std::optional<std::int32_t> release_day) {
  catalog_.push_back(CatalogRow{appid, std::string(developers.substr(0, kCatalogFieldBytes)),
                                std::string(publishers.substr(0, kCatalogFieldBytes)),
                                std::string(name.substr(0, kCatalogFieldBytes)), release_day});
  catalog_held_bytes_ += held_row_bytes(developers, publishers, name);
  catalog_training_bytes_ += TrainingSet::catalog_row_bytes(developers, publishers, name);
}

double Evaluation::held_row_bytes(std::string_view developers, std::string_view publishers, std::string_view name) {
  // The three texts, each up to kCatalogFieldBytes, and the row around them,
  // three times: while the rows' vector grows, its old and doubled buffers
  // are both held.
  return 3.0 * sizeof(CatalogRow) + static_cast<double>(std::min(developers.size(), kCatalogFieldBytes) +
                                                        std::min(publishers.size(), kCatalogFieldBytes) +
                                                        std::min(name.size(), kCatalogFieldBytes) + 3);
}

std::int64_t Evaluation::training_plays() const {
  std::int64_t count = 0;
  for (const auto& plays : train_) count += static_cast<std::int64_t>(plays.size());
  return count;
}

float Evaluation::training_engagement(std::int64_t player, std::int32_t appid) const {
  const auto at = std::lower_bound(player_ids_.begin(), player_ids_.end(), player);
  if (at == player_ids_.end() || *at != player) return NAN;
  for (const Play& play : train_[static_cast<std::size_t>(at - player_ids_.begin())])
    if (play.appid == appid) return play.engagement;
  return NAN;
}

void Evaluation::prepare(const EvalOptions& options, CancelCheck& cancel) {
  options_ = options;
  // Each player's games, in (player, appid) order, duplicates dropped.
  std::sort(plays_.begin(), plays_.end(), [](const EvalPlay& a, const EvalPlay& b) {
    return a.player != b.player ? a.player < b.player : a.appid < b.appid;
  });
  plays_.erase(
      std::unique(plays_.begin(), plays_.end(),
                  [](const EvalPlay& a, const EvalPlay& b) { return a.player == b.player && a.appid == b.appid; }),
      plays_.end());
  cancel.poll_now();

  // Keep players and games with at least min_games, until both hold.
  std::vector<std::uint8_t> kept(plays_.size(), 1);
  for (bool changed = true; changed;) {
    changed = false;
    std::unordered_map<std::int32_t, std::int32_t> owners;
    std::unordered_map<std::int64_t, std::int32_t> library;
    for (std::size_t i = 0; i < plays_.size(); ++i)
      if (kept[i]) {
        ++owners[plays_[i].appid];
        ++library[plays_[i].player];
      }
    for (std::size_t i = 0; i < plays_.size(); ++i)
      if (kept[i] && (owners[plays_[i].appid] < options.min_games || library[plays_[i].player] < options.min_games)) {
        kept[i] = 0;
        changed = true;
      }
    cancel.poll_now();
  }

  std::mt19937 random(options.seed);
  std::mt19937 second_split(options.seed ^ kSecondSplitSalt);
  player_ids_.clear();
  train_.clear();
  relevant_.clear();
  set_aside_.clear();
  new_games_.clear();
  not_new_games_.clear();
  std::unordered_set<std::int32_t> universe;
  std::vector<std::int32_t> dropped;  // new games set aside by validation: neither trained on nor ranked
  if (options.new_games) {
    for (std::size_t i = 0; i < plays_.size(); ++i)
      if (kept[i]) universe.insert(plays_[i].appid);
    universe_.assign(universe.begin(), universe.end());
    std::sort(universe_.begin(), universe_.end());
    choose_new_games(&dropped);
  }
  for (std::size_t begin = 0; begin < plays_.size();) {
    std::size_t end = begin;
    std::vector<Play> games;
    while (end < plays_.size() && plays_[end].player == plays_[begin].player) {
      if (kept[end])
        games.push_back(Play{plays_[end].appid, plays_[end].engagement, plays_[end].hours, plays_[end].recent_hours,
                             plays_[end].days_since_last_played});
      ++end;
    }
    const std::int64_t player = plays_[begin].player;
    begin = end;
    if (games.empty()) continue;
    if (options.new_games) {
      // Whole games are held out: a player keeps the others for training and
      // is measured on the held-out ones they own.
      std::vector<Play> train;
      std::vector<std::int32_t> relevant;
      for (const Play& play : games) {
        if (std::binary_search(dropped.begin(), dropped.end(), play.appid)) continue;
        if (std::binary_search(new_games_.begin(), new_games_.end(), play.appid))
          relevant.push_back(play.appid);
        else
          train.push_back(play);
      }
      player_ids_.push_back(player);
      train_.push_back(std::move(train));
      relevant_.push_back(std::move(relevant));
      set_aside_.emplace_back();
      cancel.poll(256);
      continue;
    }
    for (const Play& play : games) universe.insert(play.appid);
    // Shuffled, then the first `held` games are held out.
    shuffle(games, random);
    std::size_t held = held_count(games.size(), options.holdout);
    std::vector<Play> test(games.begin(), games.begin() + static_cast<std::ptrdiff_t>(held));
    std::vector<Play> train(games.begin() + static_cast<std::ptrdiff_t>(held), games.end());
    std::vector<std::int32_t> set_aside;
    if (options.validation) {
      // Tuning never sees the test games: split the training part again.  The
      // test games are the player's own, not misses: they leave the player's
      // candidates as their training games do.
      for (const Play& play : test) set_aside.push_back(play.appid);
      std::sort(set_aside.begin(), set_aside.end());
      shuffle(train, second_split);
      held = held_count(train.size(), options.holdout);
      test.assign(train.begin(), train.begin() + static_cast<std::ptrdiff_t>(held));
      train.erase(train.begin(), train.begin() + static_cast<std::ptrdiff_t>(held));
    }
    std::vector<std::int32_t> relevant;
    for (const Play& play : test)
      if (!options.engaged_only || play.hours >= kEngagedHours) relevant.push_back(play.appid);
    std::sort(relevant.begin(), relevant.end());
    player_ids_.push_back(player);
    train_.push_back(std::move(train));
    relevant_.push_back(std::move(relevant));
    set_aside_.push_back(std::move(set_aside));
    cancel.poll(256);
  }
  if (options.new_games) {
    // Set-aside games leave the catalog; the held-out ones stay in it, known
    // by their tags alone.
    std::vector<std::int32_t> kept_games;
    std::set_difference(universe_.begin(), universe_.end(), dropped.begin(), dropped.end(),
                        std::back_inserter(kept_games));
    universe_ = std::move(kept_games);
    std::set_difference(universe_.begin(), universe_.end(), new_games_.begin(), new_games_.end(),
                        std::back_inserter(not_new_games_));
  } else {
    universe_.assign(universe.begin(), universe.end());
    std::sort(universe_.begin(), universe_.end());
  }
  if (train_.empty())
    throw InvalidArgument("no player is left to evaluate: fewer than min_games players own min_games games each");
  // With none, every measure would read as 0 for a measurement of no one.
  static_assert(kEngagedHours == 2.0, "the message below says 2 hours");
  if (std::all_of(relevant_.begin(), relevant_.end(), [](const auto& games) { return games.empty(); }))
    throw InvalidArgument(options.new_games      ? "no player is left to evaluate: nobody owns a held-out new game"
                          : options.engaged_only ? "no player is left to evaluate: no held-out game was played for "
                                                   "2 hours or more (target 'engaged')"
                                                 : "no player is left to evaluate: no game was held out");
  refit_engagement(cancel);
}

void Evaluation::choose_new_games(std::vector<std::int32_t>* dropped) {
  // A seeded shuffle of the sorted games, as of each player's games.
  std::mt19937 random(options_.seed);
  std::vector<std::int32_t> games = universe_;
  shuffle(games, random);
  std::size_t held = held_count(games.size(), options_.new_games_share);
  new_games_.assign(games.begin(), games.begin() + static_cast<std::ptrdiff_t>(held));
  dropped->clear();
  if (options_.validation) {
    // Tuning never sees the test games: they are set aside, and the
    // held-out games are chosen again among the rest.
    dropped->swap(new_games_);
    games.erase(games.begin(), games.begin() + static_cast<std::ptrdiff_t>(held));
    std::mt19937 second_split(options_.seed ^ kSecondSplitSalt);
    shuffle(games, second_split);
    held = held_count(games.size(), options_.new_games_share);
    new_games_.assign(games.begin(), games.begin() + static_cast<std::ptrdiff_t>(held));
  }
  std::sort(new_games_.begin(), new_games_.end());
  std::sort(dropped->begin(), dropped->end());
}

void Evaluation::refit_engagement(CancelCheck& cancel) {
  // The stored scores were fitted on every row, held-out games included (a
  // game's playtime statistics saw its held-out players, a player's total
  // hours counted the held-out games): refit on what training sees.
  engagement::EngagementRefresh refresh;
  std::vector<engagement::OwnedGame> rows;
  for (std::size_t p = 0; p < train_.size(); ++p) {
    rows.clear();
    for (const Play& play : train_[p])
      rows.push_back(engagement::OwnedGame{player_ids_[p], play.appid, play.hours, play.recent_hours,
                                           play.days_since_last_played});
    refresh.observe(rows.data(), rows.size());
  }
  refresh.fit(cancel);
  for (std::size_t p = 0; p < train_.size(); ++p)
    for (Play& play : train_[p])
      play.engagement = refresh
                            .score(engagement::OwnedGame{player_ids_[p], play.appid, play.hours, play.recent_hours,
                                                         play.days_since_last_played})
                            .score;
}

TrainingSet Evaluation::training_set(const std::vector<std::vector<Play>>& plays, const TrainParams& params,
                                     CancelCheck& cancel) const {
  TrainingSet data;
  for (std::size_t p = 0; p < plays.size(); ++p)
    for (const Play& play : plays[p]) data.add_owned(player_ids_[p], play.appid, play.engagement);
  for (std::int32_t appid : universe_) data.add_game(appid);
  for (const Tag& tag : tags_)
    if (std::binary_search(universe_.begin(), universe_.end(), tag.appid))
      data.add_tag(tag.appid, tag_names_.keys()[static_cast<std::size_t>(tag.name)], tag.position);
  // Only an algorithm that reads the catalog builds it (and only then is it
  // counted in the memory estimate).
  if (uses_catalog(params))
    for (const CatalogRow& row : catalog_)
      data.add_catalog(row.appid, row.developers, row.publishers, row.name, row.release_day);
  data.finish(cancel);
  return data;
}

void Evaluation::for_each_player(Recommender& recommender,
                                 const std::function<void(Recommender& ranker, std::size_t player)>& body,
                                 CancelCheck& cancel) const {
  // A Recommender reuses scratch space per call, so every thread ranks with
  // a copy of its own.
  const auto players = static_cast<std::int64_t>(train_.size());
  const int threads = threads_for(players, kPlayersPerChunk);
  std::vector<std::unique_ptr<Recommender>> copies;
  for (int t = 1; t < threads; ++t) copies.push_back(std::make_unique<Recommender>(recommender));
  parallel_for(
      players, kPlayersPerChunk,
      [&](const Chunk& chunk, int worker) {
        Recommender& ranker = worker == 0 ? recommender : *copies[static_cast<std::size_t>(worker - 1)];
        for (std::int64_t p = chunk.begin; p < chunk.end; ++p) body(ranker, static_cast<std::size_t>(p));
      },
      cancel);
}

EvalScore Evaluation::evaluate(const TrainParams& params, CancelCheck& cancel) const {
  const auto started = std::chrono::steady_clock::now();
  // Trained as train() trains, the re-ranker included, which re-orders games
  // somebody owned; the new-games protocol ranks games nobody did, by the
  // base model alone.
  TrainParams trained = params;
  if (options_.new_games) trained.rerank_candidates = 0;
  const TrainingSet data = training_set(train_, trained, cancel);
  const GameModel model = train(data, trained, cancel);
  Recommender recommender(model);
  EvalScore score;
  score.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // Each player's list quality lands in its own slot and is summed in player
  // order below, so the sums do not depend on the thread count.
  std::vector<ListQuality> quality(train_.size());
  std::vector<std::vector<std::int32_t>> ranked(train_.size());
  for_each_player(
      recommender,
      [&](Recommender& ranker, std::size_t p) {
        if (relevant_[p].empty()) return;
        RankRequest request;
        request.k = options_.k;
        // New games are ranked among themselves: every other game is excluded;
        // otherwise a player's set-aside test games are (validation only).
        request.exclude_appids = options_.new_games ? not_new_games_ : set_aside_[p];
        for (const Play& play : train_[p]) request.games.push_back(PlayerGame{play.appid, play.engagement});
        CancelCheck never_cancelled;  // a worker thread never asks the server
        for (const Recommendation& r : ranker.rank(request, never_cancelled)) ranked[p].push_back(r.appid);
        quality[p] = list_quality(ranked[p], relevant_[p], static_cast<std::size_t>(options_.k));
      },
      cancel);
  const double seconds = score.train_seconds;
  score = summarise(ranked, quality, options_.new_games ? new_games_.size() : universe_.size());
  score.train_seconds = seconds;
  return score;
}

EvalScore Evaluation::summarise(const std::vector<std::vector<std::int32_t>>& ranked,
                                const std::vector<ListQuality>& quality, std::size_t catalog) const {
  EvalScore score;
  std::unordered_set<std::int32_t> recommended;
  for (std::size_t p = 0; p < train_.size(); ++p) {
    if (relevant_[p].empty()) continue;
    recommended.insert(ranked[p].begin(), ranked[p].end());
    score.recall += quality[p].recall;
    score.ndcg += quality[p].ndcg;
    score.hit_rate += quality[p].hit ? 1 : 0;
    ++score.players;
  }
  if (score.players > 0) {
    score.recall /= score.players;
    score.ndcg /= score.players;
    score.hit_rate /= score.players;
  }
  score.coverage = catalog == 0 ? 0 : static_cast<double>(recommended.size()) / static_cast<double>(catalog);
  return score;
}

EvalScore Evaluation::evaluate_tag_popularity(CancelCheck& cancel) const {
  const auto started = std::chrono::steady_clock::now();
  // Training plays per game, then per tag over the games carrying it.
  std::unordered_map<std::int32_t, double> plays_of_game;
  for (const auto& plays : train_)
    for (const Play& play : plays) plays_of_game[play.appid] += 1;
  std::vector<double> plays_of_tag(tag_names_.keys().size(), 0.0);
  for (const Tag& tag : tags_) {
    const auto found = plays_of_game.find(tag.appid);
    if (found != plays_of_game.end()) plays_of_tag[static_cast<std::size_t>(tag.name)] += found->second;
  }
  cancel.poll_now();
  std::unordered_map<std::int32_t, double> score_of;
  for (const Tag& tag : tags_)
    if (std::binary_search(new_games_.begin(), new_games_.end(), tag.appid))
      score_of[tag.appid] += plays_of_tag[static_cast<std::size_t>(tag.name)];
  std::vector<std::int32_t> list = new_games_;
  std::stable_sort(list.begin(), list.end(), [&](std::int32_t a, std::int32_t b) {
    const auto sa = score_of.find(a), sb = score_of.find(b);
    return (sa == score_of.end() ? 0.0 : sa->second) > (sb == score_of.end() ? 0.0 : sb->second);
  });
  if (list.size() > static_cast<std::size_t>(options_.k)) list.resize(static_cast<std::size_t>(options_.k));
  std::vector<std::vector<std::int32_t>> ranked(train_.size());
  std::vector<ListQuality> quality(train_.size());
  for (std::size_t p = 0; p < train_.size(); ++p) {
    if (relevant_[p].empty()) continue;
    ranked[p] = list;
    quality[p] = list_quality(list, relevant_[p], static_cast<std::size_t>(options_.k));
  }
  EvalScore score = summarise(ranked, quality, new_games_.size());
  score.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return score;
}

}  // namespace steam_rec::rec
