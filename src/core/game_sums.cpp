#include "core/game_sums.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/algorithm_trainers.hpp"
#include "core/errors.hpp"
#include "core/itemknn_parts.hpp"
#include "core/parallel.hpp"
#include "core/target_factors.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {
namespace {

// Leading tags of the two encodings; a new layout gets a new tag.
constexpr char kTotalsTag[4] = {'S', 'R', 'T', '1'};
constexpr char kSumsTag[4] = {'S', 'R', 'G', '1'};

// Appends plain values to a byte string.
class Writer {
 public:
  explicit Writer(const char (&tag)[4]) { bytes_.append(tag, 4); }
  template <typename T>
  void put(T value) {
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  template <typename T>
  void put_all(const std::vector<T>& values) {
    bytes_.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
  }
  // Overwrites a value put earlier at byte `at`.
  template <typename T>
  void put_at(std::size_t at, T value) {
    std::memcpy(&bytes_[at], &value, sizeof value);
  }
  std::size_t size() const { return bytes_.size(); }
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

// Reads plain values back, refusing to read past the end.
class Reader {
 public:
  Reader(const char* bytes, std::size_t size, const char (&tag)[4], const char* what)
      : at_(bytes), end_(bytes + size), what_(what) {
    if (size < 4 || std::memcmp(bytes, tag, 4) != 0)
      throw InvalidArgument(std::string(what_) + " do not start with their tag (another steam_rec build?)");
    at_ += 4;
  }
  template <typename T>
  T get() {
    T value;
    need(sizeof value);
    std::memcpy(&value, at_, sizeof value);
    at_ += sizeof value;
    return value;
  }
  template <typename T>
  const char* skip(std::int64_t count) {
    if (count < 0) throw InvalidArgument(std::string(what_) + " hold a negative count");
    // Compared as a count of values, not of bytes: a forged count times the
    // value's size can wrap around to a small number of bytes.
    if (static_cast<std::uint64_t>(count) > static_cast<std::uint64_t>(end_ - at_) / sizeof(T))
      throw InvalidArgument(std::string(what_) + " hold a count of " + std::to_string(count) +
                            " values, more than their bytes");
    const char* start = at_;
    at_ += static_cast<std::size_t>(count) * sizeof(T);
    return start;
  }
  void expect_end() const {
    if (at_ != end_) throw InvalidArgument(std::string(what_) + " have bytes left over");
  }

 private:
  void need(std::size_t bytes) const {
    if (static_cast<std::size_t>(end_ - at_) < bytes) throw InvalidArgument(std::string(what_) + " end early");
  }
  const char* at_;
  const char* end_;
  const char* what_;
};

template <typename T>
T read_at(const char* start, std::int64_t i) {
  T value;
  std::memcpy(&value, start + static_cast<std::size_t>(i) * sizeof(T), sizeof value);
  return value;
}

// Refuses totals that owned_totals() and add_totals() cannot produce: the
// weighting divides by them and takes their logarithms, so a forged value
// would turn into NaN weights instead of an error.
void check_totals(const OwnedTotals& totals) {
  if (totals.players < 0 || totals.interactions < 0)
    throw InvalidArgument("the owned-game totals hold a negative count of players (" + std::to_string(totals.players) +
                          ") or owned games (" + std::to_string(totals.interactions) + ")");
  for (std::size_t i = 0; i < totals.appids.size(); ++i) {
    const std::string game = "game " + std::to_string(totals.appids[i]);
    if (totals.owners[i] < 1 || totals.owners[i] > totals.players)
      throw InvalidArgument("the owned-game totals give " + game + " " + std::to_string(totals.owners[i]) +
                            " owners, outside 1 to the " + std::to_string(totals.players) + " players");
    if (totals.played[i] < 0 || totals.played[i] > totals.owners[i])
      throw InvalidArgument("the owned-game totals give " + game + " " + std::to_string(totals.played[i]) +
                            " players, outside 0 to its " + std::to_string(totals.owners[i]) + " owners");
    if (!std::isfinite(totals.weight_sums[i]))
      throw InvalidArgument("the owned-game totals give " + game + " a weight sum that is not finite");
  }
}

}  // namespace

OwnedTotals owned_totals(const TrainingSet& data, const InteractionWeight& weight) {
  OwnedTotals totals;
  totals.players = data.players();
  totals.interactions = data.interactions();
  const SparseRows& by_game = data.by_game();
  for (std::int32_t g = 0; g < data.games(); ++g) {
    if (by_game.offset[g + 1] == by_game.offset[g]) continue;
    std::int64_t played = 0;
    double sum = 0;
    for (std::int64_t p = by_game.offset[g]; p < by_game.offset[g + 1]; ++p) {
      played += by_game.value[p] > 0 ? 1 : 0;
      sum += weight(by_game.value[p]);
    }
    totals.appids.push_back(data.appids()[g]);
    totals.owners.push_back(by_game.offset[g + 1] - by_game.offset[g]);
    totals.played.push_back(played);
    totals.weight_sums.push_back(sum);
  }
  return totals;
}

void add_totals(OwnedTotals& into, const OwnedTotals& part) {
  OwnedTotals sum;
  sum.players = into.players + part.players;
  sum.interactions = into.interactions + part.interactions;
  std::size_t a = 0, b = 0;
  while (a < into.appids.size() || b < part.appids.size()) {
    const bool take_a = b == part.appids.size() || (a < into.appids.size() && into.appids[a] <= part.appids[b]);
    const bool take_b = a == into.appids.size() || (b < part.appids.size() && part.appids[b] <= into.appids[a]);
    sum.appids.push_back(take_a ? into.appids[a] : part.appids[b]);
    sum.owners.push_back((take_a ? into.owners[a] : 0) + (take_b ? part.owners[b] : 0));
    sum.played.push_back((take_a ? into.played[a] : 0) + (take_b ? part.played[b] : 0));
    sum.weight_sums.push_back((take_a ? into.weight_sums[a] : 0.0) + (take_b ? part.weight_sums[b] : 0.0));
    a += take_a ? 1 : 0;
    b += take_b ? 1 : 0;
  }
  into = std::move(sum);
}

std::string encode_totals(const OwnedTotals& totals) {
  Writer out(kTotalsTag);
  out.put<std::int64_t>(totals.players);
  out.put<std::int64_t>(totals.interactions);
  out.put<std::int64_t>(static_cast<std::int64_t>(totals.appids.size()));
  out.put_all(totals.appids);
  out.put_all(totals.owners);
  out.put_all(totals.played);
  out.put_all(totals.weight_sums);
  return out.take();
}

OwnedTotals decode_totals(const char* bytes, std::size_t size) {
  Reader in(bytes, size, kTotalsTag, "the owned-game totals");
  OwnedTotals totals;
  totals.players = in.get<std::int64_t>();
  totals.interactions = in.get<std::int64_t>();
  const auto games = in.get<std::int64_t>();
  const char* appids = in.skip<std::int32_t>(games);
  const char* owners = in.skip<std::int64_t>(games);
  const char* played = in.skip<std::int64_t>(games);
  const char* sums = in.skip<double>(games);
  in.expect_end();
  for (std::int64_t i = 0; i < games; ++i) {
    totals.appids.push_back(read_at<std::int32_t>(appids, i));
    totals.owners.push_back(read_at<std::int64_t>(owners, i));
    totals.played.push_back(read_at<std::int64_t>(played, i));
    totals.weight_sums.push_back(read_at<double>(sums, i));
    if (i > 0 && totals.appids[i] <= totals.appids[i - 1])
      throw InvalidArgument("the owned-game totals are not in ascending appid order");
  }
  check_totals(totals);
  return totals;
}

bool trains_from_game_sums(const TrainParams& params) {
  return std::strcmp(algorithm_name(params.algorithm), "itemknn") == 0;
}

std::string co_ownership_part(const TrainingSet& data, const TrainParams& params, const OwnedTotals& totals,
                              CancelCheck& cancel) {
  const std::int32_t games = data.games();
  SparseRows by_player = weighted_by_player(data, InteractionWeight{params.engagement_weight});
  const SparseRows& owned_by_game = data.by_game();
  std::vector<std::int64_t> owners(static_cast<std::size_t>(games), 0);
  for (std::int32_t g = 0; g < games; ++g) {
    if (owned_by_game.offset[g + 1] == owned_by_game.offset[g]) continue;
    const std::int32_t appid = data.appids()[g];
    auto it = std::lower_bound(totals.appids.begin(), totals.appids.end(), appid);
    if (it == totals.appids.end() || *it != appid)
      throw InvalidArgument("game " + std::to_string(appid) +
                            " is owned here but not in the totals: user_games changed during training");
    owners[g] = totals.owners[static_cast<std::size_t>(it - totals.appids.begin())];
  }
  apply_itemknn_weighting(by_player, owners, static_cast<double>(totals.players),
                          static_cast<double>(totals.interactions), params);
  const SparseRows by_game = transpose(by_player, games);

  Writer out(kSumsTag);
  const std::size_t rows_at = out.size();
  out.put<std::int32_t>(0);
  std::int32_t rows = 0;
  std::vector<double> dot(static_cast<std::size_t>(games), 0);
  std::vector<char> seen(static_cast<std::size_t>(games), 0);
  std::vector<std::int32_t> touched;
  std::vector<std::int32_t> row_appids;
  std::vector<double> row_values;
  for (std::int32_t i = 0; i < games; ++i) {
    if (by_game.offset[i + 1] == by_game.offset[i]) continue;
    for (std::int64_t p = by_game.offset[i]; p < by_game.offset[i + 1]; ++p) {
      const std::int32_t u = by_game.index[p];
      const float x_ui = by_game.value[p];
      for (std::int64_t q = by_player.offset[u]; q < by_player.offset[u + 1]; ++q) {
        const std::int32_t j = by_player.index[q];
        if (j < i) continue;
        // As train_itemknn(): products in float, the norm's squares in double.
        const double product =
            j == i ? static_cast<double>(x_ui) * x_ui : static_cast<double>(x_ui * by_player.value[q]);
        if (!seen[j]) {
          seen[j] = 1;
          touched.push_back(j);
        }
        dot[j] += product;
      }
      cancel.poll();
    }
    std::sort(touched.begin(), touched.end());
    row_appids.clear();
    row_values.clear();
    for (std::int32_t j : touched) {
      row_appids.push_back(data.appids()[j]);
      row_values.push_back(dot[j]);
      dot[j] = 0;
      seen[j] = 0;
    }
    touched.clear();
    out.put<std::int32_t>(data.appids()[i]);
    out.put<std::int32_t>(static_cast<std::int32_t>(row_appids.size()));
    out.put_all(row_appids);
    out.put_all(row_values);
    ++rows;
  }
  out.put_at<std::int32_t>(rows_at, rows);
  return out.take();
}

GameSums::GameSums(std::vector<std::int32_t> appids) : appids_(std::move(appids)), upper_(appids_.size()) {}

std::int32_t GameSums::number(std::int32_t appid) const {
  auto it = std::lower_bound(appids_.begin(), appids_.end(), appid);
  if (it == appids_.end() || *it != appid)
    throw InvalidArgument("a part names game " + std::to_string(appid) + ", which the totals do not hold");
  return static_cast<std::int32_t>(it - appids_.begin());
}

void GameSums::add_part(const char* bytes, std::size_t size) {
  Reader in(bytes, size, kSumsTag, "the co-ownership sums");
  const auto rows = in.get<std::int32_t>();
  if (rows < 0) throw InvalidArgument("the co-ownership sums hold a negative count");
  for (std::int32_t r = 0; r < rows; ++r) {
    const std::int32_t i = number(in.get<std::int32_t>());
    const auto count = in.get<std::int32_t>();
    const char* columns = in.skip<std::int32_t>(count);
    const char* values = in.skip<double>(count);
    for (std::int32_t k = 0; k < count; ++k) {
      const std::int32_t j = number(read_at<std::int32_t>(columns, k));
      if (j < i) throw InvalidArgument("the co-ownership sums hold an entry below the diagonal");
      const double value = read_at<double>(values, k);
      // Sums of finite weights are finite, and a diagonal is a sum of squares.
      if (!std::isfinite(value) || (j == i && value < 0))
        throw InvalidArgument("the co-ownership sums give games " + std::to_string(appids_[i]) + " and " +
                              std::to_string(appids_[j]) + " the sum " + std::to_string(value) +
                              (j == i ? ", not a finite sum of squares" : ", which is not finite"));
      upper_[static_cast<std::size_t>(i)].emplace_back(j, value);
    }
  }
  in.expect_end();
}

std::int64_t GameSums::entries() const {
  std::int64_t n = 0;
  for (const auto& row : upper_) n += static_cast<std::int64_t>(row.size());
  return n;
}

GameSums::Rows GameSums::symmetric() const {
  const std::size_t games = appids_.size();
  std::vector<std::vector<std::pair<std::int32_t, double>>> full(games);
  for (std::size_t i = 0; i < games; ++i) {
    std::vector<std::pair<std::int32_t, double>> row = upper_[i];
    std::stable_sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t k = 0; k < row.size();) {
      double sum = 0;
      std::size_t end = k;
      for (; end < row.size() && row[end].first == row[k].first; ++end) sum += row[end].second;
      const auto j = static_cast<std::size_t>(row[k].first);
      full[i].emplace_back(row[k].first, sum);
      if (j != i) full[j].emplace_back(static_cast<std::int32_t>(i), sum);
      k = end;
    }
  }
  Rows rows;
  for (auto& row : full) {
    std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [j, v] : row) {
      rows.index.push_back(j);
      rows.value.push_back(v);
    }
    rows.offset.push_back(static_cast<std::int64_t>(rows.index.size()));
  }
  return rows;
}

GameModel train_from_game_sums(const TrainingSet& catalog, const OwnedTotals& totals, const GameSums& sums,
                               const TrainParams& params, CancelCheck& cancel) {
  if (!trains_from_game_sums(params))
    throw InvalidArgument(std::string(algorithm_name(params.algorithm)) + " does not train from game sums");
  const std::int32_t games = catalog.games();
  GameModel model;
  model.appids = catalog.appids();
  apply_serving_settings(params, model);

  // Popularity and the played shares, from the totals (as train() and
  // played_share_factors() compute them from the rows).
  model.popularity.assign(static_cast<std::size_t>(games), 0.0f);
  std::vector<double> played_share(static_cast<std::size_t>(games), 1.0);
  for (std::size_t k = 0; k < totals.appids.size(); ++k) {
    const std::int32_t g = catalog.game_index(totals.appids[k]);
    if (g < 0) throw InvalidArgument("the totals name a game the catalog lacks");
    model.popularity[static_cast<std::size_t>(g)] = static_cast<float>(totals.weight_sums[k]);
    if (params.play_share_exponent > 0 && totals.owners[k] > 0)
      played_share[static_cast<std::size_t>(g)] = std::pow(
          static_cast<double>(totals.played[k]) / static_cast<double>(totals.owners[k]), params.play_share_exponent);
  }
  const float top =
      model.popularity.empty() ? 0.0f : *std::max_element(model.popularity.begin(), model.popularity.end());
  if (top > 0)
    for (float& p : model.popularity) p /= top;
  model.tags = train_content(catalog);
  model.tag_names = catalog.tag_names();

  const GameSums::Rows gram = sums.symmetric();
  if (static_cast<std::int32_t>(gram.offset.size()) - 1 != games)
    throw InvalidArgument("the game sums and the catalog differ in games");
  std::vector<double> norms(static_cast<std::size_t>(games), 0);
  for (std::int32_t i = 0; i < games; ++i)
    for (std::int64_t p = gram.offset[i]; p < gram.offset[i + 1]; ++p)
      if (gram.index[p] == i) norms[i] = std::sqrt(gram.value[p]);

  constexpr std::int64_t kRowsPerChunk = 16;
  model.neighbors = game_rows_in_parallel(
      games, kRowsPerChunk,
      [&](std::int32_t i, RowScratch& s) {
        for (std::int64_t p = gram.offset[i]; p < gram.offset[i + 1]; ++p) {
          const std::int32_t j = gram.index[p];
          const auto dot = static_cast<float>(gram.value[p]);
          if (j == i || dot == 0) continue;
          s.dot[j] = dot;
          s.touched.push_back(j);
        }
        pick_itemknn_neighbors(i, s, norms, params);
      },
      cancel);
  if (params.play_share_exponent > 0) scale_columns(model.neighbors, played_share);
  return model;
}

}  // namespace steam_rec::rec
