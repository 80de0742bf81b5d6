#include "core/recommender.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/trainers.hpp"

namespace steam_rec::rec {

// Each component is scaled by 1 / its largest value for this player (0 = absent).
struct Recommender::Scales {
  float collaborative = 0;
  float content = 0;
  Eigen::LLT<Eigen::MatrixXf> fold_in_solver;
};

constexpr std::uint8_t kIncludeTag = 1, kExcludeTag = 2;

// Which games a request allows.  Excluded games and the filters' tags are
// marked in the recommender's scratch (excluded_flag_, tag_filter_), cleared
// when the call ends, so a test costs one look per tag of the game whatever
// the number of tags requested.
struct Recommender::Eligibility {
  std::vector<std::int32_t> include_in_order;  // distinct, in request order, for explanations
  bool include_requested = false;
  bool any_tag_filter = false;

  bool allows(const Recommender& r, std::int32_t game) const {
    if (r.excluded_flag_[game]) return false;
    if (!any_tag_filter) return true;
    bool included = !include_requested;
    const SparseRows& tags = r.model_.tags;
    for (std::int64_t p = tags.offset[game]; p < tags.offset[game + 1]; ++p) {
      const std::uint8_t filter = r.tag_filter_[tags.index[p]];
      if (filter & kExcludeTag) return false;
      if (filter & kIncludeTag) included = true;
    }
    return included;
  }
};

Recommender::Recommender(GameModel model) : model_(std::move(model)) {
  model_.validate();
  const std::size_t n = static_cast<std::size_t>(model_.games());
  games_by_tag_ = transpose(model_.tags, static_cast<std::int32_t>(model_.tag_names.size()));
  max_neighbour_.assign(n, 0.0f);
  if (model_.has_neighbours())
    for (std::int32_t g = 0; g < model_.games(); ++g)
      for (std::int64_t p = model_.neighbours.offset[g]; p < model_.neighbours.offset[g + 1]; ++p)
        max_neighbour_[g] = std::max(max_neighbour_[g], model_.neighbours.value[p]);
  if (model_.has_factors()) gram_ = model_.factors.transpose() * model_.factors;
  by_popularity_.resize(n);
  std::iota(by_popularity_.begin(), by_popularity_.end(), 0);
  std::stable_sort(by_popularity_.begin(), by_popularity_.end(),
                   [&](std::int32_t a, std::int32_t b) { return model_.popularity[a] > model_.popularity[b]; });
  for (std::size_t t = 0; t < model_.tag_names.size(); ++t)
    tags_by_folded_name_[fold_tag_name(model_.tag_names[t])].push_back(static_cast<std::int32_t>(t));
  collaborative_.assign(n, 0.0f);
  content_.assign(n, 0.0f);
  touched_flag_.assign(n, 0);
  excluded_flag_.assign(n, 0);
  owned_flag_.assign(n, 0);
  tag_filter_.assign(model_.tag_names.size(), 0);
}

std::string Recommender::fold_tag_name(const std::string& name) {
  std::string folded = name;
  for (char& c : folded)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return folded;
}

const std::vector<std::int32_t>* Recommender::tags_named(const std::string& name) const {
  auto it = tags_by_folded_name_.find(fold_tag_name(name));
  return it == tags_by_folded_name_.end() ? nullptr : &it->second;
}

std::vector<std::string> Recommender::unknown_tags(const std::vector<std::string>& names) const {
  std::vector<std::string> unknown;
  std::unordered_map<std::string, bool> seen;
  for (const std::string& name : names) {
    std::string folded = fold_tag_name(name);
    if (tags_by_folded_name_.count(folded) != 0 || !seen.emplace(std::move(folded), true).second) continue;
    unknown.push_back(name);
  }
  return unknown;
}

std::size_t Recommender::memory_bytes() const {
  std::size_t names = 0;
  for (const auto& entry : tags_by_folded_name_) names += entry.first.capacity() + 64 + entry.second.capacity() * 4;
  return model_.memory_bytes() + games_by_tag_.offset.size() * 8 + games_by_tag_.index.size() * 8 +
         max_neighbour_.size() * 4 + by_popularity_.size() * 4 + static_cast<std::size_t>(gram_.size()) * 4 +
         collaborative_.size() * 11 + tag_filter_.size() + names +
         (touched_.capacity() + excluded_.capacity() + owned_list_.capacity() + filtered_tags_.capacity()) * 4;
}

void Recommender::touch(std::int32_t game) {
  if (touched_flag_[game]) return;
  touched_flag_[game] = 1;
  touched_.push_back(game);
}

void Recommender::exclude(std::int32_t game) {
  if (excluded_flag_[game]) return;
  excluded_flag_[game] = 1;
  excluded_.push_back(game);
}

void Recommender::clear_scratch() {
  for (std::int32_t g : touched_) {
    collaborative_[g] = 0;
    content_[g] = 0;
    touched_flag_[g] = 0;
  }
  touched_.clear();
  for (std::int32_t g : excluded_) excluded_flag_[g] = 0;
  excluded_.clear();
  for (std::int32_t g : owned_list_) owned_flag_[g] = 0;
  owned_list_.clear();
  for (std::int32_t t : filtered_tags_) tag_filter_[t] = 0;
  filtered_tags_.clear();
}

// Sets `bit` on every tag the names match (ignoring case); repeated names
// and names differing only in case add nothing.  in_order, when given,
// receives each matched tag once, in request order.
void Recommender::mark_tags(const std::vector<std::string>& names, std::uint8_t bit,
                            std::vector<std::int32_t>* in_order) {
  for (const std::string& name : names) {
    const std::vector<std::int32_t>* tags = tags_named(name);
    if (tags == nullptr) continue;
    for (std::int32_t t : *tags) {
      if (tag_filter_[t] & bit) continue;
      if (tag_filter_[t] == 0) filtered_tags_.push_back(t);
      tag_filter_[t] |= bit;
      if (in_order != nullptr) in_order->push_back(t);
    }
  }
}

Recommender::Scales Recommender::score(const std::vector<std::int32_t>& owned, const std::vector<float>& weights,
                                       CancelCheck& cancel) {
  const Blend& blend = model_.blend;
  Scales scales;
  if (owned.empty()) return scales;

  // Scores only grow while they are summed, so the largest is kept as we go.
  float top = 0;
  if (blend.collaborative > 0 && model_.has_neighbours()) {
    for (std::size_t o = 0; o < owned.size(); ++o)
      for (std::int64_t p = model_.neighbours.offset[owned[o]]; p < model_.neighbours.offset[owned[o] + 1]; ++p) {
        cancel.poll();
        const std::int32_t j = model_.neighbours.index[p];
        touch(j);
        collaborative_[j] += weights[o] * model_.neighbours.value[p];
        top = std::max(top, collaborative_[j]);
      }
  } else if (blend.collaborative > 0 && model_.has_factors()) {
    Eigen::VectorXf player = fold_in_player(model_.factors, gram_, model_.fold_in, owned.data(), weights.data(),
                                            owned.size(), &scales.fold_in_solver);
    Eigen::Map<Eigen::VectorXf>(collaborative_.data(), model_.games()) = model_.factors * player;
    for (std::int32_t j = 0; j < model_.games(); ++j) {
      cancel.poll();
      touch(j);
      top = std::max(top, collaborative_[j]);
    }
  }
  scales.collaborative = top > 0 ? 1.0f / top : 0.0f;

  if (blend.content > 0 && model_.has_tags()) {
    top = 0;
    for (std::size_t o = 0; o < owned.size(); ++o) top = std::max(top, add_content(owned[o], weights[o], cancel));
    scales.content = top > 0 ? 1.0f / top : 0.0f;
  }
  return scales;
}

// Adds weight * cosine(game, j) to the content score of the games j most like
// `game`: from its stored list, or, for a game nobody owned at training (it has
// no list), through the games sharing each of its tags.  Returns the largest
// content score it left.
float Recommender::add_content(std::int32_t game, float weight, CancelCheck& cancel) {
  const SparseRows& list = model_.content_neighbours;
  float top = 0;
  if (model_.has_content_neighbours() && list.offset[game + 1] > list.offset[game]) {
    for (std::int64_t p = list.offset[game]; p < list.offset[game + 1]; ++p) {
      cancel.poll();
      const std::int32_t j = list.index[p];
      touch(j);
      content_[j] += weight * list.value[p];
      top = std::max(top, content_[j]);
    }
    return top;
  }
  for (std::int64_t p = model_.tags.offset[game]; p < model_.tags.offset[game + 1]; ++p) {
    const std::int32_t t = model_.tags.index[p];
    const float tag_weight = weight * model_.tags.value[p];
    for (std::int64_t q = games_by_tag_.offset[t]; q < games_by_tag_.offset[t + 1]; ++q) {
      cancel.poll();
      const std::int32_t j = games_by_tag_.index[q];
      if (j == game) continue;
      touch(j);
      content_[j] += tag_weight * games_by_tag_.value[q];
      top = std::max(top, content_[j]);
    }
  }
  return top;
}

float Recommender::total(const Scales& scales, std::int32_t game) const {
  const Blend& blend = model_.blend;
  return blend.collaborative * scales.collaborative * collaborative_[game] +
         blend.content * scales.content * content_[game] + blend.popularity * model_.popularity[game];
}

// The `pool` best eligible games: every touched game is scored; the others
// score by popularity alone, so they are met in popularity order and the walk
// stops as soon as none can enter the selection.
std::vector<Scored> Recommender::select(const Scales& scales, const Eligibility& eligibility, std::size_t pool,
                                        CancelCheck& cancel) const {
  BestOf best(pool);
  for (std::int32_t j : touched_) {
    cancel.poll();
    if (eligibility.allows(*this, j)) best.offer(Scored{total(scales, j), j});
  }
  for (std::int32_t j : by_popularity_) {
    cancel.poll();
    if (touched_flag_[j]) continue;
    const Scored candidate{model_.blend.popularity * model_.popularity[j], j};
    if (best.full() && !best.would_keep(candidate)) break;
    if (eligibility.allows(*this, j)) best.offer(candidate);
  }
  return best.take();
}

bool Recommender::has_tag(std::int32_t game, std::int32_t tag) const {
  const auto begin = model_.tags.index.begin() + model_.tags.offset[game];
  const auto end = model_.tags.index.begin() + model_.tags.offset[game + 1];
  return std::binary_search(begin, end, tag);
}

float Recommender::neighbour_weight(std::int32_t from, std::int32_t to) const {
  const SparseRows& n = model_.neighbours;
  const auto begin = n.index.begin() + n.offset[from];
  const auto end = n.index.begin() + n.offset[from + 1];
  auto it = std::lower_bound(begin, end, to);
  return it != end && *it == to ? n.value[static_cast<std::size_t>(it - n.index.begin())] : 0.0f;
}

// What add_content() added for this pair: the stored tag cosine, or the
// computed one for a game without a stored list.
float Recommender::content_weight(std::int32_t from, std::int32_t to) const {
  const SparseRows& list = model_.content_neighbours;
  if (!model_.has_content_neighbours() || list.offset[from + 1] == list.offset[from]) return tag_cosine(from, to);
  const auto begin = list.index.begin() + list.offset[from];
  const auto end = list.index.begin() + list.offset[from + 1];
  auto it = std::lower_bound(begin, end, to);
  return it != end && *it == to ? list.value[static_cast<std::size_t>(it - list.index.begin())] : 0.0f;
}

float Recommender::tag_cosine(std::int32_t a, std::int32_t b) const {
  const SparseRows& t = model_.tags;
  std::int64_t p = t.offset[a], q = t.offset[b];
  double dot = 0;
  while (p < t.offset[a + 1] && q < t.offset[b + 1]) {
    if (t.index[p] == t.index[q]) dot += static_cast<double>(t.value[p++]) * t.value[q++];
    else if (t.index[p] < t.index[q]) ++p;
    else ++q;
  }
  return static_cast<float>(dot);
}

float Recommender::similarity(std::int32_t a, std::int32_t b) const {
  float similar = model_.has_tags() ? tag_cosine(a, b) : 0.0f;
  if (model_.has_neighbours()) {
    float ab = max_neighbour_[a] > 0 ? neighbour_weight(a, b) / max_neighbour_[a] : 0.0f;
    float ba = max_neighbour_[b] > 0 ? neighbour_weight(b, a) / max_neighbour_[b] : 0.0f;
    similar = std::max(similar, std::max(ab, ba));
  } else if (model_.has_factors()) {
    float na = model_.factors.row(a).norm(), nb = model_.factors.row(b).norm();
    if (na > 0 && nb > 0) similar = std::max(similar, model_.factors.row(a).dot(model_.factors.row(b)) / (na * nb));
  }
  return std::clamp(similar, 0.0f, 1.0f);
}

void Recommender::explain(const Scales& scales, const std::vector<std::int32_t>& owned,
                          const std::vector<float>& weights, const Eligibility& eligibility, Recommendation& result,
                          std::int32_t game, CancelCheck& cancel) const {
  const Blend& blend = model_.blend;
  std::vector<Scored> contributions;
  Eigen::VectorXf solved;
  if (scales.collaborative > 0 && model_.has_factors())
    solved = scales.fold_in_solver.solve(model_.factors.row(game).transpose());
  for (std::size_t o = 0; o < owned.size(); ++o) {
    cancel.poll();
    const std::int32_t g = owned[o];
    float part = 0;
    if (scales.collaborative > 0) {
      if (model_.has_neighbours()) {
        part += blend.collaborative * scales.collaborative * weights[o] * neighbour_weight(g, game);
      } else if (model_.has_factors()) {
        const float confidence = 1.0f + model_.fold_in.alpha * weights[o];
        part += blend.collaborative * scales.collaborative * confidence * model_.factors.row(g).dot(solved);
      }
    }
    if (scales.content > 0) part += blend.content * scales.content * weights[o] * content_weight(g, game);
    if (part > 0) contributions.push_back(Scored{part, g});
  }
  keep_best(contributions, 3);
  for (const Scored& c : contributions) result.because[result.because_count++] = model_.appids[c.index];
  if (result.because_count > 0) {
    result.basis = Basis::played;
    return;
  }
  for (std::int32_t t : eligibility.include_in_order) {
    cancel.poll();
    if (has_tag(game, t)) {
      result.basis = Basis::liked_tag;
      result.tag = model_.tag_names[t];
      return;
    }
  }
  result.basis = Basis::popular;
}

// Maximal marginal relevance over the pool (best first), relevance scaled to
// 0..1: each step takes the candidate of the highest
//   (1 - diversity) * relevance - diversity * max similarity to those taken,
// the first of equals.  Each candidate keeps its largest similarity to the
// games taken so far, raised by the one just taken only: O(k * pool).
std::vector<Scored> Recommender::diversify(const std::vector<Scored>& pool, std::size_t k, float diversity,
                                           CancelCheck& cancel) const {
  std::vector<Scored> chosen;
  if (pool.empty()) return chosen;
  const float top = pool.front().score, bottom = pool.back().score;
  const float range = top > bottom ? top - bottom : 1.0f;
  std::vector<std::uint8_t> taken(pool.size(), 0);
  std::vector<float> redundancy(pool.size(), 0.0f);
  while (chosen.size() < std::min(k, pool.size())) {
    std::size_t best = pool.size();
    float best_value = 0;
    for (std::size_t c = 0; c < pool.size(); ++c) {
      cancel.poll();
      if (taken[c]) continue;
      if (!chosen.empty()) redundancy[c] = std::max(redundancy[c], similarity(pool[c].index, chosen.back().index));
      const float value = (1 - diversity) * (pool[c].score - bottom) / range - diversity * redundancy[c];
      if (best == pool.size() || value > best_value) {
        best = c;
        best_value = value;
      }
    }
    taken[best] = 1;
    chosen.push_back(pool[best]);
  }
  return chosen;
}

std::vector<Recommendation> Recommender::rank(const RankRequest& request) {
  CancelCheck never;
  return rank(request, never);
}

std::vector<Recommendation> Recommender::rank(const RankRequest& request, CancelCheck& cancel) {
  // Scratch is cleared however this call ends.
  struct ClearOnExit {
    Recommender* r;
    ~ClearOnExit() { r->clear_scratch(); }
  } clear_on_exit{this};

  // Each owned game once, with the engagement it was first listed with.
  std::vector<std::int32_t> owned;
  std::vector<float> weights;
  for (const PlayerGame& game : request.games) {
    cancel.poll();
    std::int32_t g = model_.game_index(game.appid);
    if (g < 0 || owned_flag_[g]) continue;
    owned_flag_[g] = 1;
    owned_list_.push_back(g);
    owned.push_back(g);
    weights.push_back(model_.weight(std::isfinite(game.engagement) ? std::clamp(game.engagement, 0.0f, 1.0f) : 0.0f));
  }

  Eligibility eligibility;
  if (request.exclude_owned)
    for (std::int32_t g : owned) exclude(g);
  for (std::int32_t appid : request.exclude_appids) {
    cancel.poll();
    std::int32_t g = model_.game_index(appid);
    if (g >= 0) exclude(g);
  }
  eligibility.include_requested = !request.include_tags.empty();
  mark_tags(request.include_tags, kIncludeTag, &eligibility.include_in_order);
  mark_tags(request.exclude_tags, kExcludeTag, nullptr);
  eligibility.any_tag_filter = eligibility.include_requested || !filtered_tags_.empty();
  cancel.poll_now();

  const std::size_t k = static_cast<std::size_t>(std::max(request.k, 0));
  const bool diversify_pool = request.diversity > 0 && k > 1;
  const Scales scales = score(owned, weights, cancel);
  std::vector<Scored> pool =
      select(scales, eligibility, diversify_pool ? std::max<std::size_t>(5 * k, 50) : k, cancel);
  const std::vector<Scored> chosen = diversify_pool ? diversify(pool, k, request.diversity, cancel) : pool;

  std::vector<Recommendation> results(chosen.size());
  for (std::size_t r = 0; r < chosen.size(); ++r) {
    results[r].appid = model_.appids[chosen[r].index];
    results[r].score = chosen[r].score;
    explain(scales, owned, weights, eligibility, results[r], chosen[r].index, cancel);
  }
  return results;
}

}  // namespace steam_rec::rec
