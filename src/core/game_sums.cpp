#include "core/game_sums.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/algorithm_registry.hpp"
#include "core/algorithm_trainers.hpp"
#include "core/catalog_gram.hpp"
#include "core/catalog_lending.hpp"
#include "core/ease_parts.hpp"
#include "core/errors.hpp"
#include "core/itemknn_parts.hpp"
#include "core/neighbor_blend.hpp"
#include "core/new_game_neighbors.hpp"
#include "core/parallel.hpp"
#include "core/rp3beta_parts.hpp"
#include "core/target_factors.hpp"
#include "core/trainer.hpp"

namespace steam_rec::rec {
namespace {

// Leading tags of the two encodings; a new layout gets a new tag.
constexpr char kTotalsTag[4] = {'S', 'R', 'T', '1'};
// The sections of a worker's second-pass answer, one per statistic.
constexpr char kSumsTag[4] = {'S', 'R', 'G', '1'};  // itemknn's weighted X'X, upper triangle
constexpr char kGramTag[4] = {'S', 'R', 'E', '1'};  // EASE's X'X over its covered games, upper triangle
constexpr char kWalkTag[4] = {'S', 'R', 'W', '1'};  // RP3beta's walk sums, every (game, game) entry

// Appends plain values to a byte string.
class Writer {
 public:
  Writer() = default;
  explicit Writer(const char (&tag)[4]) { put_tag(tag); }
  void put_tag(const char (&tag)[4]) { bytes_.append(tag, 4); }
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
    if (!take_tag(tag))
      throw InvalidArgument(std::string(what_) + " do not start with their tag (another steam_rec build?)");
  }
  // Reads bytes that hold tagged sections, at least one.
  Reader(const char* bytes, std::size_t size, const char* what) : at_(bytes), end_(bytes + size), what_(what) {
    if (size == 0) throw InvalidArgument(std::string(what_) + " are empty");
  }
  // Reads the next four bytes as a tag when they are `tag`.
  bool take_tag(const char (&tag)[4]) {
    if (static_cast<std::size_t>(end_ - at_) < 4 || std::memcmp(at_, tag, 4) != 0) return false;
    at_ += 4;
    return true;
  }
  bool at_end() const { return at_ == end_; }
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

namespace {

// The collaborative algorithm whose neighbours a model needs: the base of a
// combining algorithm, the algorithm itself otherwise.
const AlgorithmSpec* collaborative_part(const TrainParams& params) {
  return params.algorithm->default_base != nullptr ? params.base : params.algorithm;
}

bool named(const AlgorithmSpec* algorithm, const char* name) {
  return algorithm != nullptr && std::strcmp(algorithm_name(algorithm), name) == 0;
}

// The game numbers of `data` owned here, each with its owners over every
// player (from the totals).  Throws InvalidArgument when a game owned here
// is missing from the totals.
std::vector<std::int64_t> owners_over_all(const TrainingSet& data, const OwnedTotals& totals) {
  const SparseRows& by_game = data.by_game();
  std::vector<std::int64_t> owners(static_cast<std::size_t>(data.games()), 0);
  for (std::int32_t g = 0; g < data.games(); ++g) {
    if (by_game.offset[g + 1] == by_game.offset[g]) continue;
    const std::int32_t appid = data.appids()[g];
    auto it = std::lower_bound(totals.appids.begin(), totals.appids.end(), appid);
    if (it == totals.appids.end() || *it != appid)
      throw InvalidArgument("game " + std::to_string(appid) +
                            " is owned here but not in the totals: user_games changed during training");
    owners[static_cast<std::size_t>(g)] = totals.owners[static_cast<std::size_t>(it - totals.appids.begin())];
  }
  return owners;
}

// Appends a section: for each game i with owners here (and takes_row(i)),
// the sums over i's owners u of product(x_ui, x_uj) for every game j of u's
// row with takes_column(i, j), in double, by appid.  `by_player` holds the
// x_uj, `by_game` the x_ui (its values may differ from by_player's).
template <typename TakesRow, typename TakesColumn, typename Product>
void put_section(Writer& out, const char (&tag)[4], const TrainingSet& data, const SparseRows& by_player,
                 const SparseRows& by_game, TakesRow takes_row, TakesColumn takes_column, Product product,
                 CancelCheck& cancel) {
  const std::int32_t games = data.games();
  out.put_tag(tag);
  const std::size_t rows_at = out.size();
  out.put<std::int32_t>(0);
  std::int32_t rows = 0;
  std::vector<double> dot(static_cast<std::size_t>(games), 0);
  std::vector<char> seen(static_cast<std::size_t>(games), 0);
  std::vector<std::int32_t> touched;
  std::vector<std::int32_t> row_appids;
  std::vector<double> row_values;
  for (std::int32_t i = 0; i < games; ++i) {
    if (by_game.offset[i + 1] == by_game.offset[i] || !takes_row(i)) continue;
    for (std::int64_t p = by_game.offset[i]; p < by_game.offset[i + 1]; ++p) {
      const std::int32_t u = by_game.index[p];
      const float x_ui = by_game.value[p];
      for (std::int64_t q = by_player.offset[u]; q < by_player.offset[u + 1]; ++q) {
        const std::int32_t j = by_player.index[q];
        if (!takes_column(i, j)) continue;
        if (!seen[j]) {
          seen[j] = 1;
          touched.push_back(j);
        }
        dot[j] += product(i, j, x_ui, by_player.value[q]);
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
}

// Appends itemknn's section: X'X upper triangle, X weighted as itemknn
// weighs it with the totals of every player.
void put_itemknn_section(Writer& out, const TrainingSet& data, const TrainParams& params, const OwnedTotals& totals,
                         CancelCheck& cancel) {
  SparseRows by_player = weighted_by_player(data, InteractionWeight{params.engagement_weight});
  apply_itemknn_weighting(by_player, owners_over_all(data, totals), static_cast<double>(totals.players),
                          static_cast<double>(totals.interactions), params);
  const SparseRows by_game = transpose(by_player, data.games());
  put_section(
      out, kSumsTag, data, by_player, by_game, [](std::int32_t) { return true; },
      [](std::int32_t i, std::int32_t j) { return j >= i; },
      // As train_itemknn(): products in float, the norm's squares in double.
      [](std::int32_t i, std::int32_t j, float x_ui, float x_uj) {
        return j == i ? static_cast<double>(x_ui) * x_ui : static_cast<double>(x_ui * x_uj);
      },
      cancel);
}

// Appends EASE's section: X'X upper triangle over the games it covers (chosen
// by the owners over every player), products in double as train_ease().
void put_ease_section(Writer& out, const TrainingSet& data, const TrainParams& params, const OwnedTotals& totals,
                      CancelCheck& cancel) {
  const SparseRows by_player = weighted_by_player(data, InteractionWeight{params.engagement_weight});
  const SparseRows by_game = transpose(by_player, data.games());
  // Chosen among every game of the totals (ascending appids, as the
  // coordinator's catalog), then found among the games owned here.
  std::vector<char> covered(static_cast<std::size_t>(data.games()), 0);
  for (std::int32_t k : ease_covered_games(totals.owners, params.max_games)) {
    const std::int32_t g = data.game_index(totals.appids[static_cast<std::size_t>(k)]);
    if (g >= 0) covered[static_cast<std::size_t>(g)] = 1;
  }
  owners_over_all(data, totals);  // refuses a game owned here that the totals lack
  put_section(
      out, kGramTag, data, by_player, by_game,
      [&](std::int32_t i) { return covered[static_cast<std::size_t>(i)] != 0; },
      [&](std::int32_t i, std::int32_t j) { return j >= i && covered[static_cast<std::size_t>(j)] != 0; },
      [](std::int32_t, std::int32_t, float x_ui, float x_uj) { return static_cast<double>(x_ui) * x_uj; }, cancel);
}

// Appends RP3beta's section: per game i, the sum over i's owners of their
// step to each game j.  A step uses only its player's own games, so it is
// the same here as over every player.
void put_walk_section(Writer& out, const TrainingSet& data, const TrainParams& params, CancelCheck& cancel) {
  const SparseRows steps = rp3beta_steps(data, params);
  put_section(
      out, kWalkTag, data, steps, data.by_game(), [](std::int32_t) { return true; },
      [](std::int32_t, std::int32_t) { return true; },
      [](std::int32_t, std::int32_t, float, float step) { return static_cast<double>(step); }, cancel);
}

}  // namespace

std::vector<std::int64_t> owners_of_catalog(const TrainingSet& catalog, const OwnedTotals& totals) {
  std::vector<std::int64_t> owners(static_cast<std::size_t>(catalog.games()), 0);
  for (std::size_t k = 0; k < totals.appids.size(); ++k) {
    const std::int32_t g = catalog.game_index(totals.appids[k]);
    if (g < 0)
      throw InvalidArgument("the totals name game " + std::to_string(totals.appids[k]) + ", which the catalog lacks");
    owners[static_cast<std::size_t>(g)] = totals.owners[k];
  }
  return owners;
}

bool trains_from_game_sums(const TrainParams& params) {
  if (named(params.algorithm, "popularity") || named(params.algorithm, "content")) return true;
  const AlgorithmSpec* collaborative = collaborative_part(params);
  return named(collaborative, "itemknn") || named(collaborative, "ease") || named(collaborative, "rp3beta");
}

bool needs_co_ownership_sums(const TrainParams& params) {
  return trains_from_game_sums(params) && !named(params.algorithm, "popularity") && !named(params.algorithm, "content");
}

std::string co_ownership_part(const TrainingSet& data, const TrainParams& params, const OwnedTotals& totals,
                              CancelCheck& cancel) {
  Writer out;
  put_itemknn_section(out, data, params, totals, cancel);
  return out.take();
}

std::string game_sums_part(const TrainingSet& data, const TrainParams& params, const OwnedTotals& totals,
                           CancelCheck& cancel) {
  if (!needs_co_ownership_sums(params))
    throw InvalidArgument(std::string(algorithm_name(params.algorithm)) + " trains from the totals alone");
  const AlgorithmSpec* collaborative = collaborative_part(params);
  Writer out;
  if (named(collaborative, "itemknn")) put_itemknn_section(out, data, params, totals, cancel);
  if (named(collaborative, "rp3beta")) put_walk_section(out, data, params, cancel);
  if (named(collaborative, "ease")) {
    put_ease_section(out, data, params, totals, cancel);
    if (params.knn_weight > 0) put_itemknn_section(out, data, ease_itemknn_params(params), totals, cancel);
    if (params.rp3_weight > 0) put_walk_section(out, data, params, cancel);
  }
  return out.take();
}

GameSums::GameSums(std::vector<std::int32_t> appids) : appids_(std::move(appids)) {
  for (auto& section : sections_) section.resize(appids_.size());
}

std::int32_t GameSums::number(std::int32_t appid) const {
  auto it = std::lower_bound(appids_.begin(), appids_.end(), appid);
  if (it == appids_.end() || *it != appid)
    throw InvalidArgument("a part names game " + std::to_string(appid) + ", which the totals do not hold");
  return static_cast<std::int32_t>(it - appids_.begin());
}

void GameSums::add_part(const char* bytes, std::size_t size) {
  Reader in(bytes, size, "the co-ownership sums");
  while (!in.at_end()) {
    SumKind kind;
    if (in.take_tag(kSumsTag))
      kind = SumKind::itemknn;
    else if (in.take_tag(kGramTag))
      kind = SumKind::ease;
    else if (in.take_tag(kWalkTag))
      kind = SumKind::walk;
    else
      throw InvalidArgument("the co-ownership sums hold a section of no known kind (another steam_rec build?)");
    auto& section = sections_[static_cast<int>(kind)];
    const bool upper = kind != SumKind::walk;
    const auto rows = in.get<std::int32_t>();
    if (rows < 0) throw InvalidArgument("the co-ownership sums hold a negative count");
    for (std::int32_t r = 0; r < rows; ++r) {
      const std::int32_t i = number(in.get<std::int32_t>());
      const auto count = in.get<std::int32_t>();
      const char* columns = in.skip<std::int32_t>(count);
      const char* values = in.skip<double>(count);
      for (std::int32_t k = 0; k < count; ++k) {
        const std::int32_t j = number(read_at<std::int32_t>(columns, k));
        if (upper && j < i) throw InvalidArgument("the co-ownership sums hold an entry below the diagonal");
        const double value = read_at<double>(values, k);
        // Sums of finite weights are finite, a diagonal is a sum of squares
        // and a walk sum is a sum of step probabilities.
        const bool never_negative = !upper || j == i;
        if (!std::isfinite(value) || (never_negative && value < 0))
          throw InvalidArgument(
              "the co-ownership sums give games " + std::to_string(appids_[i]) + " and " + std::to_string(appids_[j]) +
              " the sum " + std::to_string(value) +
              (never_negative ? ", not a finite sum of non-negative terms" : ", which is not finite"));
        section[static_cast<std::size_t>(i)].emplace_back(j, value);
      }
    }
  }
}

std::int64_t GameSums::entries() const {
  std::int64_t n = 0;
  for (const auto& section : sections_)
    for (const auto& row : section) n += static_cast<std::int64_t>(row.size());
  return n;
}

bool GameSums::holds(SumKind kind) const {
  for (const auto& row : sections_[static_cast<int>(kind)])
    if (!row.empty()) return true;
  return false;
}

GameSums::Rows GameSums::added(SumKind kind) const {
  const auto& section = sections_[static_cast<int>(kind)];
  const bool upper = kind != SumKind::walk;
  const std::size_t games = appids_.size();
  std::vector<std::vector<std::pair<std::int32_t, double>>> full(games);
  for (std::size_t i = 0; i < games; ++i) {
    std::vector<std::pair<std::int32_t, double>> row = section[i];
    std::stable_sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t k = 0; k < row.size();) {
      double sum = 0;
      std::size_t end = k;
      for (; end < row.size() && row[end].first == row[k].first; ++end) sum += row[end].second;
      const auto j = static_cast<std::size_t>(row[k].first);
      full[i].emplace_back(row[k].first, sum);
      if (upper && j != i) full[j].emplace_back(static_cast<std::int32_t>(i), sum);
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

namespace {

// What training from sums knows per game of the catalog, in place of rows.
struct FromSums {
  const TrainingSet& catalog;
  const OwnedTotals& totals;
  const GameSums& sums;
  std::vector<std::int64_t> owners;
  CancelCheck& cancel;
};

GameSums::Rows sums_of(const FromSums& in, SumKind kind, std::int32_t games) {
  GameSums::Rows rows = in.sums.added(kind);
  if (static_cast<std::int32_t>(rows.offset.size()) - 1 != games)
    throw InvalidArgument("the game sums and the catalog differ in games");
  return rows;
}

// itemknn's neighbours from the added-up weighted X'X.
SparseRows itemknn_from_sums(const FromSums& in, const TrainParams& params) {
  const std::int32_t games = in.catalog.games();
  const GameSums::Rows gram = sums_of(in, SumKind::itemknn, games);
  std::vector<double> norms(static_cast<std::size_t>(games), 0);
  for (std::int32_t i = 0; i < games; ++i)
    for (std::int64_t p = gram.offset[i]; p < gram.offset[i + 1]; ++p)
      if (gram.index[p] == i) norms[i] = std::sqrt(gram.value[p]);
  constexpr std::int64_t kRowsPerChunk = 16;
  return game_rows_in_parallel(
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
      in.cancel);
}

// RP3beta's neighbours from the added-up walk sums.
SparseRows rp3beta_from_sums(const FromSums& in, const TrainParams& params) {
  const std::int32_t games = in.catalog.games();
  const GameSums::Rows walk = sums_of(in, SumKind::walk, games);
  const std::vector<double> arrival = rp3beta_arrivals(in.owners, params);
  constexpr std::int64_t kRowsPerChunk = 16;
  return game_rows_in_parallel(
      games, kRowsPerChunk,
      [&](std::int32_t i, RowScratch& s) {
        for (std::int64_t p = walk.offset[i]; p < walk.offset[i + 1]; ++p) {
          const std::int32_t j = walk.index[p];
          s.dot[j] = static_cast<float>(walk.value[p]);
          s.touched.push_back(j);
        }
        pick_rp3beta_neighbors(i, s, arrival, params);
      },
      in.cancel);
}

// EASE's weights from the added-up X'X over its covered games (and the
// blends it asks for).
SparseRows ease_from_sums(const FromSums& in, const TrainParams& params) {
  const std::int32_t games = in.catalog.games();
  const GameSums::Rows sums = sums_of(in, SumKind::ease, games);
  const std::vector<std::int32_t> game_of = ease_covered_games(in.owners, params.max_games);
  std::vector<std::int32_t> dense_of(static_cast<std::size_t>(games), -1);
  for (std::size_t i = 0; i < game_of.size(); ++i) dense_of[game_of[i]] = static_cast<std::int32_t>(i);
  const auto n = static_cast<Eigen::Index>(game_of.size());
  DenseMatrix gram(n, n);
  for (std::int32_t g = 0; g < games; ++g)
    for (std::int64_t p = sums.offset[g]; p < sums.offset[g + 1]; ++p) {
      const std::int32_t i = dense_of[static_cast<std::size_t>(g)];
      const std::int32_t j = dense_of[static_cast<std::size_t>(sums.index[p])];
      if (i < 0 || j < 0)
        throw InvalidArgument("the EASE sums name game " + std::to_string(in.catalog.appids()[g]) +
                              " or a game paired with it, which EASE does not cover");
      if (i <= j) gram(i, j) = sums.value[p];
    }
  // The catalog's facts are on the coordinator: added here, as on one node.
  add_catalog_gram(gram.matrix(), game_of, in.catalog, params, in.cancel);
  SparseRows neighbors = ease_weights_from_gram(gram, game_of, in.owners, params, in.cancel);
  if (params.knn_weight > 0)
    neighbors = blend_neighbors(neighbors, itemknn_from_sums(in, ease_itemknn_params(params)), params.knn_weight);
  if (params.rp3_weight > 0) neighbors = blend_neighbors(neighbors, rp3beta_from_sums(in, params), params.rp3_weight);
  return neighbors;
}

// The collaborative neighbours, scaled by the played shares as train() does.
SparseRows collaborative_from_sums(const FromSums& in, const AlgorithmSpec* algorithm, const TrainParams& params) {
  SparseRows neighbors = named(algorithm, "itemknn") ? itemknn_from_sums(in, params)
                         : named(algorithm, "ease")  ? ease_from_sums(in, params)
                                                     : rp3beta_from_sums(in, params);
  if (params.play_share_exponent > 0) {
    std::vector<double> played_share(static_cast<std::size_t>(in.catalog.games()), 1.0);
    for (std::size_t k = 0; k < in.totals.appids.size(); ++k)
      if (in.totals.owners[k] > 0)
        played_share[static_cast<std::size_t>(in.catalog.game_index(in.totals.appids[k]))] =
            std::pow(static_cast<double>(in.totals.played[k]) / static_cast<double>(in.totals.owners[k]),
                     params.play_share_exponent);
    scale_columns(neighbors, played_share);
  }
  return neighbors;
}

// Content's neighbours of the owned games, as train_content_part().
void content_from_totals(const FromSums& in, const TrainParams& params, GameModel& model) {
  model.content_neighbors =
      train_content_neighbors(in.catalog, in.owners, model.tags, params.content_neighbors, in.cancel);
  if (params.tag_popularity_exponent > 0)
    scale_columns(model.content_neighbors,
                  new_game_tag_popularity_factors(in.catalog, in.owners, params.tag_popularity_exponent));
}

}  // namespace

GameModel train_from_game_sums(const TrainingSet& catalog, const OwnedTotals& totals, const GameSums& sums,
                               const TrainParams& params, CancelCheck& cancel) {
  if (!trains_from_game_sums(params))
    throw InvalidArgument(std::string(algorithm_name(params.algorithm)) + " does not train from game sums");
  const std::int32_t games = catalog.games();
  GameModel model;
  model.appids = catalog.appids();
  apply_serving_settings(params, model);
  const FromSums in{catalog, totals, sums, owners_of_catalog(catalog, totals), cancel};

  // Popularity from the totals, as train_popularity() from the rows.
  model.popularity.assign(static_cast<std::size_t>(games), 0.0f);
  for (std::size_t k = 0; k < totals.appids.size(); ++k)
    model.popularity[static_cast<std::size_t>(catalog.game_index(totals.appids[k]))] =
        static_cast<float>(totals.weight_sums[k]);
  const float top =
      model.popularity.empty() ? 0.0f : *std::max_element(model.popularity.begin(), model.popularity.end());
  if (top > 0)
    for (float& p : model.popularity) p /= top;
  model.tags = train_content(catalog);
  model.tag_names = catalog.tag_names();

  // As the registry's trainers (algorithm_registry.cpp) combine the parts.
  if (named(params.algorithm, "popularity")) return model;
  if (named(params.algorithm, "content")) {
    content_from_totals(in, params, model);
    return model;
  }
  const bool hybrid = params.algorithm->default_base != nullptr;
  if (hybrid) content_from_totals(in, params, model);
  model.neighbors = collaborative_from_sums(in, collaborative_part(params), params);
  if (hybrid && params.new_game_weight > 0 && model.neighbors.rows() > 0) {
    model.neighbors = with_new_game_columns(catalog, in.owners, model.tags, model.neighbors, params.new_game_weight,
                                            params.tag_ridge_weight, params.content_neighbors, cancel);
    if (params.tag_popularity_exponent > 0)
      scale_columns(model.neighbors,
                    new_game_tag_popularity_factors(catalog, in.owners, params.tag_popularity_exponent));
    add_catalog_lendings(catalog, in.owners, catalog_weights(params), params.content_neighbors, model.neighbors,
                         cancel);
  }
  return model;
}

}  // namespace steam_rec::rec
