// The sample players of the partial-sum tests, and training from them split
// into parts as a Citus coordinator trains from its workers' sums.
#pragma once

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/game_sums.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec::partial_sums_test {

inline steam_rec::CancelCheck no_cancel;

struct Owned {
  std::int64_t player;
  std::int32_t appid;
  float engagement;
};

// 300 players with heavy-tailed libraries over 60 games (a few games owned
// by many), engagement from 0 to 1, some exactly 0 (never played); game 61
// is known only by its tags.
inline std::vector<Owned> sample_rows() {
  std::mt19937 random(7);
  std::vector<Owned> rows;
  for (std::int64_t p = 1; p <= 300; ++p) {
    const int length = 1 + static_cast<int>(std::pow(std::uniform_real_distribution<double>(0, 1)(random), 3) * 40);
    std::vector<int> taken(61, 0);
    for (int k = 0; k < length; ++k) {
      const int appid = 1 + static_cast<int>(std::pow(std::uniform_real_distribution<double>(0, 1)(random), 2) * 60);
      if (taken[appid]++) continue;
      const float e = k % 5 == 0 ? 0.0f : std::uniform_real_distribution<float>(0, 1)(random);
      rows.push_back(Owned{1000 + p, appid, e});
    }
  }
  return rows;
}

inline void add_tags(TrainingSet& d) {
  for (int g = 1; g <= 61; ++g) {
    d.add_tag(g, g % 3 == 0 ? "Action" : "Puzzle", 1);
    if (g % 4 == 0) d.add_tag(g, "Indie", 2);
    if (g % 5 == 0) d.add_tag(g, "Strategy", 3);
  }
}

// The games' catalog facts: studios, series and name words shared among
// several games (EASE's Gram takes them in; new games are lent by them).
inline void add_catalog_facts(TrainingSet& d) {
  for (int g = 1; g <= 61; ++g)
    d.add_catalog(g, "Studio " + std::to_string(g % 7), "Publisher " + std::to_string(g % 4),
                  "Saga" + std::to_string(g % 9) + " Word" + std::to_string(g % 11) + (g % 2 == 0 ? " 2" : ""));
}

inline TrainingSet rows_of(const std::vector<Owned>& rows, int part, int parts) {
  TrainingSet d;
  for (const Owned& o : rows)
    if (parts == 1 || o.player % parts == part) d.add_owned(o.player, o.appid, o.engagement);
  d.finish(no_cancel);
  return d;
}

// Trains from `parts` parts of the players, as the coordinator does: the
// totals of every part added, then (when the algorithm needs them) the
// second-pass sums of every part, each encoded and decoded on the way.
inline GameModel from_parts(const std::vector<Owned>& rows, int parts, const TrainParams& params) {
  OwnedTotals totals;
  std::vector<TrainingSet> sets;
  for (int part = 0; part < parts; ++part) {
    sets.push_back(rows_of(rows, part, parts));
    const std::string bytes = encode_totals(owned_totals(sets.back(), InteractionWeight{params.engagement_weight}));
    add_totals(totals, decode_totals(bytes.data(), bytes.size()));
  }
  const std::string global = encode_totals(totals);
  const OwnedTotals shipped = decode_totals(global.data(), global.size());
  TrainingSet catalog;
  add_tags(catalog);
  add_catalog_facts(catalog);
  for (std::int32_t appid : shipped.appids) catalog.add_game(appid);
  catalog.finish(no_cancel);
  GameSums sums(catalog.appids());
  if (needs_co_ownership_sums(params))
    for (const TrainingSet& set : sets) {
      const std::string part = game_sums_part(set, params, shipped, no_cancel);
      sums.add_part(part.data(), part.size());
    }
  return train_from_game_sums(catalog, shipped, sums, params, no_cancel);
}

inline GameModel single_node(const std::vector<Owned>& rows, const TrainParams& params) {
  TrainingSet d;
  for (const Owned& o : rows) d.add_owned(o.player, o.appid, o.engagement);
  add_tags(d);
  add_catalog_facts(d);
  d.finish(no_cancel);
  return train(d, params, no_cancel);
}

}  // namespace steam_rec::rec::partial_sums_test
