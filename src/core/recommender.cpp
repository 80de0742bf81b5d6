#include "core/recommender.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

#include "core/algorithm_trainers.hpp"
#include "core/best_kept.hpp"
#include "core/errors.hpp"
#include "core/model_image.hpp"
#include "core/prefetch_rows.hpp"

namespace steam_rec::rec {

// Each component is scaled by 1 / its largest value for this player (0 = absent).
struct Recommender::Scales {
  float collaborative = 0;
  float content = 0;
  Eigen::LLT<Eigen::MatrixXf> fold_in_solver;
};

constexpr std::uint8_t kIncludeTag = 1, kExcludeTag = 2;
constexpr std::uint8_t kTouched = 1, kExcluded = 2, kOwned = 4, kChosen = 8;  // bits of game_flags_
static_assert(kTouched == 1, "add_row counts a new game as (flag & kTouched) ^ kTouched");

// Results times owned games up to which explain() reads weights from one walk
// of each owned game's lists (pair_weights) instead of a search per pair.
constexpr std::size_t kPairWeightsAtMost = 65536;

// Stored lists are summed with one cancel poll per this many elements: one
// per list for a trained one (it holds at most 5,000), more for a longer one,
// which only a hand-written model row can hold.
constexpr std::int64_t kPolledPerList = 8192;

// Which games a request allows.  Excluded games and the filters' tags are
// marked in the recommender's scratch (game_flags_, tag_filter_), cleared
// when the call ends, so a test costs one look per tag of the game whatever
// the number of tags requested.
struct Recommender::Eligibility {
  std::vector<std::int32_t> include_in_order;  // distinct, in request order, for explanations
  bool include_requested = false;
  bool any_tag_filter = false;
  bool new_games_by_tags = false;  // select() scores new games by content alone (listed_total)

  bool allows(const Recommender& r, std::int32_t game) const {
    if (r.flagged(game, kExcluded)) return false;
    if (!any_tag_filter) return true;
    bool included = !include_requested;
    const SparseView& tags = r.view_.tags;
    for (std::int64_t p = tags.begin(game); p < tags.end(game); ++p) {
      const std::uint8_t filter = r.tag_filter_[tags.index[p]];
      if (filter & kExcludeTag) return false;
      if (filter & kIncludeTag) included = true;
    }
    return included;
  }
};

Recommender::Recommender(const GameModel& model) {
  auto image = std::make_shared<std::vector<unsigned char>>();
  Status built = build_model_image(model, ImageKey{}, image.get());
  if (built.ok()) built = open_model_image(image->data(), image->size(), nullptr, &view_);
  if (!built.ok()) throw InvalidArgument(built.message);
  owner_ = std::move(image);
  allocate_scratch();
}

Recommender::Recommender(std::shared_ptr<const void> owner, const ModelView& view)
    : owner_(std::move(owner)), view_(view) {
  allocate_scratch();
}

void Recommender::allocate_scratch() {
  if (view_.reranker != nullptr) reranker_ = Reranker::from_stored(view_.reranker, view_.reranker_numbers);
  if (view_.rerank_facts != nullptr) rerank_features_.emplace(view_);
  if (rerank_features_ && view_.has_neighbors()) support_.assign(static_cast<std::size_t>(view_.games()), Support{});
  const std::size_t n = static_cast<std::size_t>(view_.games());
  collaborative_.assign(n, 0.0f);
  content_.assign(n, 0.0f);
  game_flags_.assign(n, 0);
  touched_.allocate(n);
}

std::string Recommender::fold_tag_name(const std::string& name) {
  std::string folded = name;
  for (char& c : folded)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return folded;
}

std::vector<std::string> Recommender::unknown_tags(const std::vector<std::string>& names, CancelCheck& cancel) const {
  std::vector<std::string> unknown;
  std::unordered_set<std::string> seen;
  for (const std::string& name : names) {
    cancel.poll();
    const std::int32_t *first = nullptr, *last = nullptr;
    view_.tags_named(name, &first, &last);
    if (first != last || !seen.insert(fold_tag_name(name)).second) continue;
    unknown.push_back(name);
  }
  return unknown;
}

std::size_t Recommender::scratch_bytes() const {
  const std::size_t game_lists =
      excluded_.capacity() + owned_list_.capacity() + filtered_tags_.capacity() + counted_only_.capacity();
  return collaborative_.capacity() * 4 + content_.capacity() * 4 + game_flags_.capacity() + tag_filter_.capacity() +
         touched_.capacity_bytes() + game_lists * sizeof(std::int32_t) + support_.capacity() * sizeof(Support) +
         (rerank_features_ ? rerank_features_->scratch_bytes() : 0);
}

void Recommender::touch(std::int32_t game) {
  touched_.append_unless(flagged(game, kTouched), game);
  game_flags_[game] |= kTouched;
}

void Recommender::exclude(std::int32_t game) {
  if (flagged(game, kExcluded)) return;
  game_flags_[game] |= kExcluded;
  excluded_.push_back(game);
}

void Recommender::clear_scratch() {
  for (std::int32_t g : touched_) {
    collaborative_[g] = 0;
    content_[g] = 0;
    game_flags_[g] = 0;
  }
  if (!support_.empty()) {
    for (std::int32_t g : touched_) support_[g] = Support{};
    for (std::int32_t g : counted_only_) support_[g] = Support{};
  }
  counted_only_.clear();
  touched_.clear();
  for (std::int32_t g : excluded_) game_flags_[g] = 0;
  excluded_.clear();
  for (std::int32_t g : owned_list_) game_flags_[g] = 0;
  owned_list_.clear();
  for (std::int32_t t : filtered_tags_) tag_filter_[t] = 0;
  filtered_tags_.clear();
  for (std::int32_t g : chosen_list_) game_flags_[g] = 0;
  chosen_list_.clear();
}

// Sets `bit` on every tag the names match (ignoring case); repeated names
// and names differing only in case add nothing.  in_order, when given,
// receives each matched tag once, in request order.
void Recommender::mark_tags(const std::vector<std::string>& names, std::uint8_t bit,
                            std::vector<std::int32_t>* in_order, CancelCheck& cancel) {
  if (!names.empty() && tag_filter_.empty()) tag_filter_.assign(static_cast<std::size_t>(view_.tag_count), 0);
  for (const std::string& name : names) {
    cancel.poll();
    const std::int32_t *first = nullptr, *last = nullptr;
    view_.tags_named(name, &first, &last);
    for (const std::int32_t* tag = first; tag != last; ++tag) {
      const std::int32_t t = *tag;
      if (tag_filter_[t] & bit) continue;
      if (tag_filter_[t] == 0) filtered_tags_.push_back(t);
      tag_filter_[t] |= bit;
      if (in_order != nullptr) in_order->push_back(t);
    }
  }
}

Recommender::Scales Recommender::score(const std::vector<std::int32_t>& owned, const std::vector<float>& weights,
                                       bool counts_support, CancelCheck& cancel) {
  const Blend& blend = view_.blend;
  Scales scales;
  if (owned.empty()) return scales;

  // One rule for every caller (recommend(), similar_games(), evaluate()):
  // the collaborative scale is 1 / the largest final score of a game somebody
  // owned.  Final, because stored weights may be negative (EASE): a running
  // maximum of the partial sums is no game's score and depends on the order
  // of the player's games.  Of known games, because the weights lent to new
  // games (new_game_weight) are borrowed, not learned: they must not change
  // how known games blend with content and popularity.
  float top = 0;
  if (blend.collaborative > 0 && view_.has_neighbors()) {
    prefetch_rows(view_.neighbors, owned.size(), [&](std::size_t o) { return owned[o]; });
    for (std::size_t o = 0; o < owned.size(); ++o)
      if (counts_support && !support_.empty())
        add_row<true>(view_.neighbors, owned[o], weights[o], collaborative_.data(), cancel);
      else
        add_row<false>(view_.neighbors, owned[o], weights[o], collaborative_.data(), cancel);
    top = largest_known_score(cancel);
  } else if (counts_support && !support_.empty() && view_.has_neighbors()) {
    count_support_only(owned, cancel);
  } else if (blend.collaborative > 0 && view_.has_factors()) {
    Eigen::VectorXf player = fold_in_player(view_.factors(), view_.gram(), view_.fold_in, owned.data(), weights.data(),
                                            owned.size(), cancel, &scales.fold_in_solver);
    Eigen::Map<Eigen::VectorXf>(collaborative_.data(), view_.games()) = view_.factors() * player;
    for (std::int32_t j = 0; j < view_.games(); ++j) {
      cancel.poll();
      touch(j);
      if (!is_new_game(j)) top = std::max(top, collaborative_[j]);
    }
  }
  scales.collaborative = top > 0 ? 1.0f / top : 0.0f;

  // Content scores are sums of tag cosines (>= 0) times weights (>= 0): they
  // only grow while summed, so the running maximum is the final one.  New
  // games' content scores are their own, and count.
  if (blend.content > 0 && view_.has_tags()) {
    top = 0;
    prefetch_rows(view_.content_neighbors, owned.size(), [&](std::size_t o) { return owned[o]; });
    for (std::size_t o = 0; o < owned.size(); ++o) top = std::max(top, add_content(owned[o], weights[o], cancel));
    scales.content = top > 0 ? 1.0f / top : 0.0f;
  }
  return scales;
}

// Adds weight * the stored value of (row, j) to scores[j] for each j of the
// row, touching j; returns the largest score it left.  The hottest loop of a
// call, so it has no branch per element: each game is written to the next
// slot of the touched list and counted only when its flag says it is new
// (TouchedGames), and cancel is polled between chunks.  The arrays are read
// through locals, which the byte stores to the flags (a char type, which may
// alias anything) cannot force to be reloaded.  kCountsSupport: also each
// game's support and best link (support_).
template <bool kCountsSupport>
float Recommender::add_row(const SparseView& list, std::int32_t row, float weight, float* scores, CancelCheck& cancel) {
  const std::int64_t begin = list.begin(row), end = list.end(row);
  const std::int32_t* const index = list.index;
  const float* const value = list.value;
  std::uint8_t* const flags = game_flags_.data();
  std::int32_t* const touched = touched_.slots();
  std::size_t count = touched_.count();
  float top = 0;
  std::int64_t p = begin;
  do {
    // The count goes back before each poll: a cancel leaves every game
    // flagged as touched listed, so the scratch is cleared whole.
    touched_.set_count(count);
    cancel.poll();
    const std::int64_t chunk_end = std::min(end, p + kPolledPerList);
    for (; p < chunk_end; ++p) {
      const std::int32_t j = index[p];
      const std::uint8_t flag = flags[j];
      touched[count] = j;
      count += (flag & kTouched) ^ kTouched;
      flags[j] = flag | kTouched;
      const float part = weight * value[p];
      const float sum = scores[j] + part;
      scores[j] = sum;
      if constexpr (kCountsSupport) {
        Support& support = support_[static_cast<std::size_t>(j)];
        support.lists += 1;
        support.best_link = std::max(support.best_link, part);
      }
      top = std::max(top, sum);
    }
  } while (p < end);
  touched_.set_count(count);
  return top;
}

// A blend without its collaborative part (content_weight 1) sums no
// neighbour lists, yet a re-ranker reads how many of them list each
// candidate: they are walked for that alone, touching no game, so the
// games listed and the spread of their scores stay those of the blend.
// The best link stays 0, the collaborative scale being 0.
void Recommender::count_support_only(const std::vector<std::int32_t>& owned, CancelCheck& cancel) {
  const SparseView& list = view_.neighbors;
  for (std::int32_t game : owned) {
    const std::int64_t begin = list.begin(game), end = list.end(game);
    for (std::int64_t p = begin; p < end; ++p) {
      if ((p - begin) % kPolledPerList == 0) cancel.poll();
      const std::int32_t j = list.index[p];
      Support& support = support_[static_cast<std::size_t>(j)];
      // Listed before it is counted: a cancel leaves nothing uncleared.
      if (support.lists == 0) counted_only_.push_back(j);
      support.lists += 1;
    }
  }
}

// Adds weight * cosine(game, j) to the content score of the games j most like
// `game`: from its stored list, or, for a game nobody owned at training (it has
// no list), through the games sharing each of its tags.  Returns the largest
// content score it left.
float Recommender::add_content(std::int32_t game, float weight, CancelCheck& cancel) {
  const SparseView& list = view_.content_neighbors;
  float top = 0;
  if (view_.has_content_neighbors() && list.end(game) > list.begin(game))
    return add_row<false>(list, game, weight, content_.data(), cancel);
  const SparseView& tags = view_.tags;
  const SparseView& games_by_tag = view_.games_by_tag;
  for (std::int64_t p = tags.begin(game); p < tags.end(game); ++p) {
    const std::int32_t t = tags.index[p];
    const float tag_weight = weight * tags.value[p];
    for (std::int64_t q = games_by_tag.begin(t); q < games_by_tag.end(t); ++q) {
      cancel.poll();
      const std::int32_t j = games_by_tag.index[q];
      if (j == game) continue;
      touch(j);
      content_[j] += tag_weight * games_by_tag.value[q];
      top = std::max(top, content_[j]);
    }
  }
  return top;
}

// The largest collaborative score of a touched game somebody owned.
float Recommender::largest_known_score(CancelCheck& cancel) const {
  float top = 0;
  for (std::int32_t j : touched_) {
    cancel.poll();
    if (!is_new_game(j)) top = std::max(top, collaborative_[j]);
  }
  return top;
}

// A game's score for the ordinary places of a list: a new game's is its
// content part alone when the request ranks new games by their tags.
float Recommender::listed_total(const Scales& scales, const Eligibility& eligibility, std::int32_t game) const {
  if (eligibility.new_games_by_tags && is_new_game(game)) return view_.blend.content * scales.content * content_[game];
  return total(scales, game);
}

float Recommender::total(const Scales& scales, std::int32_t game) const {
  const Blend& blend = view_.blend;
  return blend.collaborative * scales.collaborative * collaborative_[game] +
         blend.content * scales.content * content_[game] + blend.popularity * view_.popularity[game];
}

// The `pool` best eligible games: every touched game is scored; the others
// score by popularity alone, so they are met in popularity order and the walk
// stops as soon as none can enter the selection.  The touched games, often
// thousands, are cut to their best by BestKept: a heap of a re-ranker's 100
// took one push and pop for most of them, a sixth of the call.
std::vector<Scored> Recommender::select(const Scales& scales, const Eligibility& eligibility, std::size_t pool,
                                        CancelCheck& cancel, TouchedSums* sums) const {
  std::vector<Scored> touched_best;
  BestKept keep(touched_best, pool);
  for (std::int32_t j : touched_) {
    cancel.poll();
    if (!eligibility.allows(*this, j)) continue;
    const float score = listed_total(scales, eligibility, j);
    keep.offer(score, j);
    if (sums != nullptr) {
      const double part = popularity_part(j);
      sums->sum += score - part;
      sums->squares += static_cast<double>(score) * score - part * part;
    }
  }
  keep.finish();
  BestOf best(pool);
  for (const Scored& candidate : touched_best) best.offer(candidate);
  for (std::int32_t rank = 0; rank < view_.games(); ++rank) {
    cancel.poll();
    const std::int32_t j = view_.by_popularity[rank];
    if (flagged(j, kTouched)) continue;
    const Scored candidate{view_.blend.popularity * view_.popularity[j], j};
    if (best.full() && !best.would_keep(candidate)) break;
    if (eligibility.allows(*this, j)) best.offer(candidate);
  }
  return best.take();
}

bool Recommender::has_tag(std::int32_t game, std::int32_t tag) const {
  const SparseView& tags = view_.tags;
  return std::binary_search(tags.index + tags.begin(game), tags.index + tags.end(game), tag);
}

float Recommender::neighbor_weight(std::int32_t from, std::int32_t to) const { return view_.neighbors.find(from, to); }

// What add_content() added for this pair: the stored tag cosine, or the
// computed one for a game without a stored list.
float Recommender::content_weight(std::int32_t from, std::int32_t to) const {
  const SparseView& list = view_.content_neighbors;
  if (!view_.has_content_neighbors() || list.end(from) == list.begin(from)) return tag_cosine(from, to);
  return list.find(from, to);
}

float Recommender::tag_cosine(std::int32_t a, std::int32_t b) const {
  const SparseView& t = view_.tags;
  std::int64_t p = t.begin(a), q = t.begin(b);
  const std::int64_t a_end = t.end(a), b_end = t.end(b);
  double dot = 0;
  while (p < a_end && q < b_end) {
    if (t.index[p] == t.index[q])
      dot += static_cast<double>(t.value[p++]) * t.value[q++];
    else if (t.index[p] < t.index[q])
      ++p;
    else
      ++q;
  }
  return static_cast<float>(dot);
}

float Recommender::similarity(std::int32_t a, std::int32_t b) const {
  float similar = view_.has_tags() ? tag_cosine(a, b) : 0.0f;
  if (view_.has_neighbors()) {
    const float* max_neighbor = view_.max_neighbor;
    float ab = max_neighbor[a] > 0 ? neighbor_weight(a, b) / max_neighbor[a] : 0.0f;
    float ba = max_neighbor[b] > 0 ? neighbor_weight(b, a) / max_neighbor[b] : 0.0f;
    similar = std::max(similar, std::max(ab, ba));
  } else if (view_.has_factors()) {
    const ModelView::ConstMatrix factors = view_.factors();
    float na = factors.row(a).norm(), nb = factors.row(b).norm();
    if (na > 0 && nb > 0) similar = std::max(similar, factors.row(a).dot(factors.row(b)) / (na * nb));
  }
  return std::clamp(similar, 0.0f, 1.0f);
}

// Fills *pairs for explain(): walks each owned game's stored lists once,
// noting the weights of the listed games (flagged kChosen), where searching
// each list per result took a tenth of a call.  The weights are the very
// values a search finds (columns ascend strictly), so explanations are the
// same.  Leaves *pairs empty for big tables (k times owned games).
void Recommender::pair_weights(const Scales& scales, const std::vector<std::int32_t>& owned,
                               const std::vector<Scored>& chosen, PairWeights* pairs, CancelCheck& cancel) {
  const std::size_t cells = owned.size() * chosen.size();
  const bool collaborative = scales.collaborative > 0 && view_.has_neighbors();
  const bool content = scales.content > 0 && view_.has_content_neighbors();
  if (cells == 0 || cells > kPairWeightsAtMost || (!collaborative && !content)) return;
  std::vector<std::pair<std::int32_t, std::int32_t>> position;  // (game, result), ascending
  position.reserve(chosen.size());
  for (std::size_t r = 0; r < chosen.size(); ++r) {
    const std::int32_t game = chosen[r].index;
    position.emplace_back(game, static_cast<std::int32_t>(r));
    if (flagged(game, kChosen)) continue;
    chosen_list_.push_back(game);
    game_flags_[game] |= kChosen;
  }
  std::sort(position.begin(), position.end());
  if (collaborative) pairs->neighbor.assign(cells, 0.0f);
  if (content) pairs->content.assign(cells, 0.0f);
  const std::size_t stride = owned.size();
  auto walk = [&](const SparseView& list, std::size_t o, std::vector<float>& into) {
    const std::int32_t g = owned[o];
    const bool long_list = list.end(g) - list.begin(g) > kPolledPerList;
    for (std::int64_t p = list.begin(g); p < list.end(g); ++p) {
      if (long_list) cancel.poll();
      const std::int32_t j = list.index[p];
      if (!flagged(j, kChosen)) continue;
      for (auto it = std::lower_bound(position.begin(), position.end(), std::make_pair(j, std::int32_t{-1}));
           it != position.end() && it->first == j; ++it)
        into[static_cast<std::size_t>(it->second) * stride + o] = list.value[p];
    }
  };
  for (std::size_t o = 0; o < owned.size(); ++o) {
    cancel.poll();
    if (collaborative) walk(view_.neighbors, o, pairs->neighbor);
    if (content) walk(view_.content_neighbors, o, pairs->content);
  }
}

// neighbor_row and content_row, when not null, hold this result's stored
// weights per owned game (pair_weights); else each is searched for.
void Recommender::explain(const Scales& scales, const std::vector<std::int32_t>& owned,
                          const std::vector<float>& weights, const Eligibility& eligibility, const float* neighbor_row,
                          const float* content_row, Recommendation& result, std::int32_t game,
                          CancelCheck& cancel) const {
  const Blend& blend = view_.blend;
  const SparseView& content_lists = view_.content_neighbors;
  std::vector<Scored> contributions;
  contributions.reserve(owned.size());
  Eigen::VectorXf solved;
  if (scales.collaborative > 0 && view_.has_factors())
    solved = scales.fold_in_solver.solve(view_.factors().row(game).transpose());
  // A new game is explained by the player's games tagged like it: the
  // weights new_game_weight lends it come from other games' tag neighbours,
  // which would name games that merely lead to those.
  const bool new_game = is_new_game(game);
  for (std::size_t o = 0; o < owned.size(); ++o) {
    cancel.poll();
    const std::int32_t g = owned[o];
    float part = 0;
    if (new_game) {
      if (view_.has_tags()) part = weights[o] * tag_cosine(g, game);
    } else if (scales.collaborative > 0) {
      if (view_.has_neighbors()) {
        const float weight = neighbor_row != nullptr ? neighbor_row[o] : neighbor_weight(g, game);
        part += blend.collaborative * scales.collaborative * weights[o] * weight;
      } else if (view_.has_factors()) {
        const float confidence = 1.0f + view_.fold_in.alpha * weights[o];
        part += blend.collaborative * scales.collaborative * confidence * view_.factors().row(g).dot(solved);
      }
    }
    if (scales.content > 0 && !new_game) {
      // A game without a stored list is compared by its tags (content_weight).
      const bool stored = content_row != nullptr && content_lists.end(g) > content_lists.begin(g);
      const float weight = stored ? content_row[o] : content_weight(g, game);
      part += blend.content * scales.content * weights[o] * weight;
    }
    if (part > 0) contributions.push_back(Scored{part, g});
  }
  // None of the player's games is tagged like the new game: what led to it
  // is the weights its rows lend it (the catalog's series, studios and name
  // words among them), so those games are the ones its series is looked for in.
  if (new_game && contributions.empty() && scales.collaborative > 0 && view_.has_neighbors()) {
    for (std::size_t o = 0; o < owned.size(); ++o) {
      cancel.poll();
      const float weight = neighbor_row != nullptr ? neighbor_row[o] : neighbor_weight(owned[o], game);
      if (weights[o] * weight > 0) contributions.push_back(Scored{weights[o] * weight, owned[o]});
    }
    result.lent = !contributions.empty();
  }
  keep_best(contributions, 3);
  for (const Scored& c : contributions) result.because[result.because_count++] = view_.appids[c.index];
  if (result.because_count > 0 && !result.lent) {
    result.basis = Basis::played;
    return;
  }
  for (std::int32_t t : eligibility.include_in_order) {
    cancel.poll();
    if (has_tag(game, t)) {
      result.basis = Basis::liked_tag;
      result.tag = std::string(view_.tag_name(t));
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

double Recommender::popularity_part(std::int32_t game) const {
  return static_cast<double>(view_.blend.popularity * view_.popularity[game]);
}

// Every game the request allows scores as select() scores it: an untouched
// one by popularity alone, so without a tag filter the sums start from every
// game's popularity part (summed once per Recommender), the excluded games'
// parts are taken out and select()'s sums over the touched games added: time
// in proportion to the excluded games.  A tag filter takes a pass over every game.
ScoreSpread Recommender::spread(const Scales& scales, const Eligibility& eligibility, const TouchedSums& touched,
                                CancelCheck& cancel) {
  double sum = 0, squares = 0, count = 0;
  if (eligibility.any_tag_filter) {
    for (std::int32_t j = 0; j < view_.games(); ++j) {
      cancel.poll();
      if (!eligibility.allows(*this, j)) continue;
      const double score = flagged(j, kTouched) ? listed_total(scales, eligibility, j) : popularity_part(j);
      sum += score;
      squares += score * score;
      count += 1;
    }
  } else {
    if (!popularity_sums_.ready) {
      for (std::int32_t j = 0; j < view_.games(); ++j) {
        popularity_sums_.sum += popularity_part(j);
        popularity_sums_.squares += popularity_part(j) * popularity_part(j);
      }
      popularity_sums_.ready = true;
    }
    sum = popularity_sums_.sum;
    squares = popularity_sums_.squares;
    count = view_.games();
    for (std::int32_t j : excluded_) {
      cancel.poll();
      sum -= popularity_part(j);
      squares -= popularity_part(j) * popularity_part(j);
      count -= 1;
    }
    sum += touched.sum;
    squares += touched.squares;
  }
  ScoreSpread spread;
  if (count <= 0) return spread;
  spread.mean = sum / count;
  spread.sd = std::sqrt(std::max(squares / count - spread.mean * spread.mean, 0.0));
  return spread;
}

std::vector<Recommendation> Recommender::rank(const RankRequest& request, CancelCheck& cancel, RankDetails* details) {
  // Scratch is cleared however this call ends.
  struct ClearOnExit {
    Recommender* r;
    ~ClearOnExit() { r->clear_scratch(); }
  } clear_on_exit{this};

  // Each owned game once, with the engagement it was first listed with.
  std::vector<std::int32_t> owned;
  std::vector<float> weights;
  owned.reserve(request.games.size());
  weights.reserve(request.games.size());
  for (const PlayerGame& game : request.games) {
    cancel.poll();
    std::int32_t g = view_.game_index(game.appid);
    if (g < 0 || flagged(g, kOwned)) continue;
    game_flags_[g] |= kOwned;
    owned_list_.push_back(g);
    owned.push_back(g);
    weights.push_back(view_.weight(std::isfinite(game.engagement) ? std::clamp(game.engagement, 0.0f, 1.0f) : 0.0f));
  }

  Eligibility eligibility;
  if (request.exclude_owned)
    for (std::int32_t g : owned) exclude(g);
  for (std::int32_t appid : request.exclude_appids) {
    cancel.poll();
    std::int32_t g = view_.game_index(appid);
    if (g >= 0) exclude(g);
  }
  eligibility.include_requested = !request.include_tags.empty();
  mark_tags(request.include_tags, kIncludeTag, &eligibility.include_in_order, cancel);
  mark_tags(request.exclude_tags, kExcludeTag, nullptr, cancel);
  eligibility.any_tag_filter = eligibility.include_requested || !filtered_tags_.empty();
  eligibility.new_games_by_tags = request.new_games_by_tags;
  cancel.poll_now();

  const std::size_t k = static_cast<std::size_t>(std::max(request.k, 0));
  const bool diversify_pool = request.diversity > 0 && k > 1;
  const bool rerank = request.rerank && view_.reranks() && k > 0;
  std::size_t pool_size = diversify_pool ? std::max<std::size_t>(5 * k, 50) : k;
  if (rerank) pool_size = std::max(pool_size, static_cast<std::size_t>(view_.rerank_candidates));
  const bool builds_features = rerank || (details != nullptr && rerank_features_);
  // A re-ranker of the first shape (a model stored before them) does not
  // read the support and the best link: serving it skips counting them.
  const bool counts_support = builds_features && (details != nullptr || reranker_.shape->features > kSupport);
  const Scales scales = score(owned, weights, counts_support, cancel);
  const bool needs_spread = details != nullptr || rerank;
  TouchedSums touched_sums;
  std::vector<Scored> pool = select(scales, eligibility, pool_size, cancel, needs_spread ? &touched_sums : nullptr);
  ScoreSpread scores_spread;
  if (needs_spread) scores_spread = this->spread(scales, eligibility, touched_sums, cancel);
  Eigen::MatrixXf features;
  if (builds_features)
    features = pool_features(owned, eligibility, scales, scores_spread, pool,
                             rerank ? static_cast<std::size_t>(view_.rerank_candidates) : pool_size, counts_support);
  // Diversity weighs relevance by the pool's range of scores: it sees the
  // pool it would see without the re-ranker.
  const std::size_t kept = diversify_pool ? std::max<std::size_t>(5 * k, 50) : k;
  if (rerank) {
    // Only the first `kept` places are ordered: the pool is cut to them below.
    const std::vector<std::int32_t> order = reranker_.served_order(features, kept);
    const std::vector<Scored> base(pool.begin(), pool.begin() + features.rows());
    for (std::size_t c = 0; c < order.size(); ++c) pool[c].index = base[static_cast<std::size_t>(order[c])].index;
  }
  if (details != nullptr) {
    details->spread = scores_spread;
    details->features = std::move(features);
  }
  if (pool.size() > kept) pool.resize(kept);
  std::vector<Scored> chosen = diversify_pool ? diversify(pool, k, request.diversity, cancel) : std::move(pool);
  if (request.new_game_slots > 0)
    reserve_new_games(scales, eligibility, std::min<std::size_t>(static_cast<std::size_t>(request.new_game_slots), k),
                      k, chosen, cancel);

  PairWeights pairs;
  pair_weights(scales, owned, chosen, &pairs, cancel);
  std::vector<Recommendation> results(chosen.size());
  for (std::size_t r = 0; r < chosen.size(); ++r) {
    results[r].appid = view_.appids[chosen[r].index];
    results[r].score = chosen[r].score;
    results[r].new_game = is_new_game(chosen[r].index);
    const std::size_t row = r * owned.size();
    explain(scales, owned, weights, eligibility, pairs.neighbor.empty() ? nullptr : &pairs.neighbor[row],
            pairs.content.empty() ? nullptr : &pairs.content[row], results[r], chosen[r].index, cancel);
  }
  return results;
}

Eigen::MatrixXf Recommender::pool_features(const std::vector<std::int32_t>& owned, const Eligibility& eligibility,
                                           const Scales& scales, const ScoreSpread& spread,
                                           const std::vector<Scored>& pool, std::size_t count, bool counted_support) {
  std::vector<RerankCandidate> candidates(std::min(pool.size(), count));
  const bool has_support = counted_support && !support_.empty();
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    const std::int32_t g = pool[c].index;
    candidates[c].game = g;
    candidates[c].score = pool[c].score;
    // A new game listed by its tags alone (new_games_by_tags) keeps 0 for
    // both: the weights lent to it are not part of the score it was listed by.
    if (!has_support || (eligibility.new_games_by_tags && is_new_game(g))) continue;
    const Support& support = support_[static_cast<std::size_t>(g)];
    candidates[c].support = support.lists;
    candidates[c].best_link = scales.collaborative * support.best_link;
  }
  Eigen::MatrixXf features;
  rerank_features_->build(owned, candidates, spread, &features);
  return features;
}

void Recommender::reserve_new_games(const Scales& scales, const Eligibility& eligibility, std::size_t slots,
                                    std::size_t k, std::vector<Scored>& chosen, CancelCheck& cancel) const {
  // A new game has no popularity: it enters only when its tags are like the
  // player's games (a content score; only the games it touched have one).
  // Weights lent by new_game_weight then order those, through total().
  std::size_t listed = 0;
  for (const Scored& s : chosen) listed += is_new_game(s.index) ? 1 : 0;
  if (listed >= slots || scales.content <= 0) return;
  // Sorted once, so testing each touched game is a binary search, not a pass
  // over the list (k up to 1000 times tens of thousands of touched games).
  std::vector<std::int32_t> in_list;
  in_list.reserve(chosen.size());
  for (const Scored& s : chosen) in_list.push_back(s.index);
  std::sort(in_list.begin(), in_list.end());
  BestOf best(slots - listed);
  for (std::int32_t j : touched_) {
    cancel.poll();
    if (!is_new_game(j) || content_[j] <= 0 || !eligibility.allows(*this, j)) continue;
    if (!std::binary_search(in_list.begin(), in_list.end(), j)) best.offer(Scored{total(scales, j), j});
  }
  std::vector<Scored> added = best.take();
  if (added.empty()) return;
  // Drop the lowest-placed games that are not new, to keep the list's length
  // (a list shorter than k simply grows).
  std::size_t to_drop = chosen.size() + added.size() > k ? chosen.size() + added.size() - k : 0;
  for (std::size_t r = chosen.size(); r-- > 0 && to_drop > 0;)
    if (!is_new_game(chosen[r].index)) {
      chosen.erase(chosen.begin() + static_cast<std::ptrdiff_t>(r));
      --to_drop;
    }
  chosen.insert(chosen.end(), added.begin(), added.end());
}

}  // namespace steam_rec::rec
