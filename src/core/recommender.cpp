#include "core/recommender.hpp"

#include <algorithm>
#include <cmath>

#include "core/top_k.hpp"
#include "core/trainers.hpp"

namespace steam_rec::rec {

struct Recommender::Scores {
  std::vector<float> total;
  // Each component is scaled by 1 / its maximum before blending (0 = absent).
  float collaborative_scale = 0;
  float content_scale = 0;
  float profile_norm = 0;
  Eigen::LLT<Eigen::MatrixXf> fold_in_solver;
};

Recommender::Recommender(GameModel model) : model_(std::move(model)) {
  model_.validate();
  games_by_tag_ = transpose(model_.tags, static_cast<std::int32_t>(model_.tag_names.size()));
  max_neighbour_.assign(static_cast<std::size_t>(model_.games()), 0.0f);
  if (model_.has_neighbours())
    for (std::int32_t g = 0; g < model_.games(); ++g)
      for (std::int64_t p = model_.neighbours.offset[g]; p < model_.neighbours.offset[g + 1]; ++p)
        max_neighbour_[g] = std::max(max_neighbour_[g], model_.neighbours.value[p]);
  if (model_.has_factors()) gram_ = model_.factors.transpose() * model_.factors;
}

std::size_t Recommender::memory_bytes() const {
  return model_.memory_bytes() + games_by_tag_.offset.size() * 8 + games_by_tag_.index.size() * 8 +
         max_neighbour_.size() * 4 + static_cast<std::size_t>(gram_.size()) * 4;
}

namespace {

float scale_of(const std::vector<float>& values) {
  float top = 0;
  for (float v : values) top = std::max(top, v);
  return top > 0 ? 1.0f / top : 0.0f;
}

}  // namespace

Recommender::Scores Recommender::score(const std::vector<std::int32_t>& owned, const std::vector<float>& weights) const {
  const std::size_t n = static_cast<std::size_t>(model_.games());
  const Blend& blend = model_.blend;
  Scores scores;
  scores.total.assign(n, 0.0f);
  for (std::size_t j = 0; j < n; ++j) scores.total[j] = blend.popularity * model_.popularity[j];
  if (owned.empty()) return scores;

  if (blend.collaborative > 0 && (model_.has_neighbours() || model_.has_factors())) {
    std::vector<float> collaborative(n, 0.0f);
    if (model_.has_neighbours()) {
      for (std::size_t o = 0; o < owned.size(); ++o)
        for (std::int64_t p = model_.neighbours.offset[owned[o]]; p < model_.neighbours.offset[owned[o] + 1]; ++p)
          collaborative[model_.neighbours.index[p]] += weights[o] * model_.neighbours.value[p];
    } else {
      Eigen::VectorXf player = fold_in_player(model_.factors, gram_, model_.fold_in, owned.data(), weights.data(),
                                              owned.size(), &scores.fold_in_solver);
      Eigen::Map<Eigen::VectorXf>(collaborative.data(), static_cast<Eigen::Index>(n)) = model_.factors * player;
    }
    scores.collaborative_scale = scale_of(collaborative);
    for (std::size_t j = 0; j < n; ++j) scores.total[j] += blend.collaborative * scores.collaborative_scale * collaborative[j];
  }

  if (blend.content > 0 && model_.has_tags()) {
    std::vector<float> profile(model_.tag_names.size(), 0.0f);
    for (std::size_t o = 0; o < owned.size(); ++o)
      for (std::int64_t p = model_.tags.offset[owned[o]]; p < model_.tags.offset[owned[o] + 1]; ++p)
        profile[model_.tags.index[p]] += weights[o] * model_.tags.value[p];
    double norm = 0;
    for (float v : profile) norm += static_cast<double>(v) * v;
    scores.profile_norm = static_cast<float>(std::sqrt(norm));
    if (scores.profile_norm > 0) {
      std::vector<float> content(n, 0.0f);
      for (std::size_t t = 0; t < profile.size(); ++t) {
        if (profile[t] == 0) continue;
        for (std::int64_t p = games_by_tag_.offset[t]; p < games_by_tag_.offset[t + 1]; ++p)
          content[games_by_tag_.index[p]] += profile[t] * games_by_tag_.value[p];
      }
      for (float& c : content) c /= scores.profile_norm;
      scores.content_scale = scale_of(content);
      for (std::size_t j = 0; j < n; ++j) scores.total[j] += blend.content * scores.content_scale * content[j];
    }
  }
  return scores;
}

bool Recommender::has_tag(std::int32_t game, std::int32_t tag) const {
  const auto begin = model_.tags.index.begin() + model_.tags.offset[game];
  const auto end = model_.tags.index.begin() + model_.tags.offset[game + 1];
  return std::binary_search(begin, end, tag);
}

std::vector<std::uint8_t> Recommender::eligible(const RankRequest& request, const std::vector<std::int32_t>& owned) const {
  const std::int32_t n = model_.games();
  std::vector<std::uint8_t> ok(static_cast<std::size_t>(n), 1);
  if (request.exclude_owned)
    for (std::int32_t g : owned) ok[g] = 0;
  for (std::int32_t appid : request.exclude_appids) {
    std::int32_t g = model_.game_index(appid);
    if (g >= 0) ok[g] = 0;
  }
  if (!model_.has_tags()) {
    // Without tags no game carries a requested tag.
    if (!request.include_tags.empty()) std::fill(ok.begin(), ok.end(), 0);
    return ok;
  }
  if (!request.include_tags.empty()) {
    std::vector<std::uint8_t> tagged(static_cast<std::size_t>(n), 0);
    for (const std::string& name : request.include_tags) {
      std::int32_t t = model_.tag_index(name);
      if (t < 0) continue;
      for (std::int64_t p = games_by_tag_.offset[t]; p < games_by_tag_.offset[t + 1]; ++p) tagged[games_by_tag_.index[p]] = 1;
    }
    for (std::int32_t g = 0; g < n; ++g) ok[g] &= tagged[g];
  }
  for (const std::string& name : request.exclude_tags) {
    std::int32_t t = model_.tag_index(name);
    if (t < 0) continue;
    for (std::int64_t p = games_by_tag_.offset[t]; p < games_by_tag_.offset[t + 1]; ++p) ok[games_by_tag_.index[p]] = 0;
  }
  return ok;
}

float Recommender::neighbour_weight(std::int32_t from, std::int32_t to) const {
  const SparseRows& n = model_.neighbours;
  const auto begin = n.index.begin() + n.offset[from];
  const auto end = n.index.begin() + n.offset[from + 1];
  auto it = std::lower_bound(begin, end, to);
  return it != end && *it == to ? n.value[static_cast<std::size_t>(it - n.index.begin())] : 0.0f;
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

void Recommender::explain(const Scores& scores, const std::vector<std::int32_t>& owned, const std::vector<float>& weights,
                          const RankRequest& request, Recommendation& result, std::int32_t game) const {
  const Blend& blend = model_.blend;
  std::vector<Scored> contributions;
  Eigen::VectorXf solved;
  if (scores.collaborative_scale > 0 && model_.has_factors())
    solved = scores.fold_in_solver.solve(model_.factors.row(game).transpose());
  for (std::size_t o = 0; o < owned.size(); ++o) {
    const std::int32_t g = owned[o];
    float part = 0;
    if (scores.collaborative_scale > 0) {
      if (model_.has_neighbours()) {
        part += blend.collaborative * scores.collaborative_scale * weights[o] * neighbour_weight(g, game);
      } else if (model_.has_factors()) {
        const float confidence = 1.0f + model_.fold_in.alpha * weights[o];
        part += blend.collaborative * scores.collaborative_scale * confidence * model_.factors.row(g).dot(solved);
      }
    }
    if (scores.content_scale > 0)
      part += blend.content * scores.content_scale * weights[o] * tag_cosine(g, game) / scores.profile_norm;
    if (part > 0) contributions.push_back(Scored{part, g});
  }
  keep_best(contributions, 3);
  for (const Scored& c : contributions) result.because[result.because_count++] = model_.appids[c.index];
  if (result.because_count > 0) {
    result.basis = Basis::played;
    return;
  }
  for (const std::string& name : request.include_tags) {
    std::int32_t t = model_.tag_index(name);
    if (t >= 0 && has_tag(game, t)) {
      result.basis = Basis::liked_tag;
      result.tag = name;
      return;
    }
  }
  result.basis = Basis::popular;
}

std::vector<Recommendation> Recommender::rank(const RankRequest& request) const {
  std::vector<std::int32_t> owned;
  std::vector<float> weights;
  for (const PlayerGame& game : request.games) {
    std::int32_t g = model_.game_index(game.appid);
    if (g < 0 || std::find(owned.begin(), owned.end(), g) != owned.end()) continue;
    owned.push_back(g);
    weights.push_back(model_.weight(std::isfinite(game.engagement) ? std::clamp(game.engagement, 0.0f, 1.0f) : 0.0f));
  }
  const Scores scores = score(owned, weights);
  const std::vector<std::uint8_t> ok = eligible(request, owned);

  std::vector<Scored> pool;
  for (std::int32_t j = 0; j < model_.games(); ++j)
    if (ok[j]) pool.push_back(Scored{scores.total[j], j});
  const std::size_t k = static_cast<std::size_t>(std::max(request.k, 0));
  const bool diversify = request.diversity > 0 && k > 1;
  keep_best(pool, diversify ? std::max<std::size_t>(5 * k, 50) : k);

  std::vector<Scored> chosen;
  if (!diversify) {
    chosen = pool;
  } else {
    // Maximal marginal relevance over the pool, relevance scaled to 0..1.
    const float top = pool.empty() ? 0 : pool.front().score, bottom = pool.empty() ? 0 : pool.back().score;
    const float range = top > bottom ? top - bottom : 1.0f;
    std::vector<std::uint8_t> taken(pool.size(), 0);
    while (chosen.size() < std::min(k, pool.size())) {
      std::size_t best = pool.size();
      float best_value = 0;
      for (std::size_t c = 0; c < pool.size(); ++c) {
        if (taken[c]) continue;
        float redundancy = 0;
        for (const Scored& s : chosen) redundancy = std::max(redundancy, similarity(pool[c].index, s.index));
        const float value = (1 - request.diversity) * (pool[c].score - bottom) / range - request.diversity * redundancy;
        if (best == pool.size() || value > best_value) {
          best = c;
          best_value = value;
        }
      }
      taken[best] = 1;
      chosen.push_back(pool[best]);
    }
  }

  std::vector<Recommendation> results(chosen.size());
  for (std::size_t r = 0; r < chosen.size(); ++r) {
    results[r].appid = model_.appids[chosen[r].index];
    results[r].score = chosen[r].score;
    explain(scores, owned, weights, request, results[r], chosen[r].index);
  }
  return results;
}

}  // namespace steam_rec::rec
