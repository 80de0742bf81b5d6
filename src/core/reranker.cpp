#include "core/reranker.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/parallel.hpp"
#include "core/prefetch_rows.hpp"
#include "core/ranking_metrics.hpp"

namespace steam_rec::rec {
namespace {

// Examples per chunk of the fit's parallel passes; the partial sums are
// added in chunk order, so the fit does not depend on the thread count.
constexpr std::int64_t kExamplesPerChunk = 16;
constexpr int kNewtonSteps = 30;
constexpr double kConverged = 1e-6;
// The score features are bounded by this, and computed only from spreads
// above kTiny.
constexpr double kScoreFeatureBound = 1000;
constexpr double kTiny = 1e-9;
// Games whose facts one call asks the processor to load ahead, at most.
constexpr std::size_t kPrefetchedFactsAtMost = 512;

// log(1 + n) of a candidate's place or support, from a table: every call
// needs two per candidate, and the numbers are small.
float log_one_plus(Eigen::Index place) {
  static const std::vector<float> table = [] {
    std::vector<float> logs(kRerankCandidatesAtMost);
    for (std::size_t p = 0; p < logs.size(); ++p) logs[p] = static_cast<float>(std::log1p(static_cast<double>(p)));
    return logs;
  }();
  return place < static_cast<Eigen::Index>(table.size()) ? table[static_cast<std::size_t>(place)]
                                                         : static_cast<float>(std::log1p(static_cast<double>(place)));
}

double place_gain(std::int32_t place, std::int32_t k) {
  return place < k ? 1.0 / std::log2(static_cast<double>(place) + 2.0) : 0.0;
}

// The places of the candidates in the order of `scores`, best first, ties
// in candidate order.
std::vector<std::int32_t> places_by(const Eigen::VectorXd& scores) {
  std::vector<std::int32_t> order(static_cast<std::size_t>(scores.size()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) { return scores[a] > scores[b]; });
  std::vector<std::int32_t> place(order.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    place[static_cast<std::size_t>(order[i])] = static_cast<std::int32_t>(i);
  return place;
}

struct PartialSums {
  double loss = 0;
  double pair_weight = 0;  // weigh(): the sum of the raw pair weights
  double pairs = 0;        // and their number
  Eigen::VectorXd gradient = Eigen::VectorXd::Zero(kRerankWeights);
  Eigen::MatrixXd hessian = Eigen::MatrixXd::Zero(kRerankWeights, kRerankWeights);
};

// What a pass over the examples computes.
enum class Pass { weigh, loss, derivatives };

// Only the examples' features and each round's places are kept; a pass
// expands each example's features and forms its pairs again, so memory grows
// with the candidates, not with their pairs or products.
class LambdaFit {
 public:
  LambdaFit(const std::vector<RerankExample>& examples, std::int32_t k, double l2, CancelCheck& cancel)
      : examples_(examples), k_(k), l2_(l2), cancel_(cancel), places_(examples.size()), ideal_(examples.size()) {}

  Reranker fit(int rounds) {
    standardize();
    for (std::size_t u = 0; u < examples_.size(); ++u) {
      const RerankExample& e = examples_[u];
      for (std::int32_t i = 0; i < std::min(k_, std::max(e.held, 1)); ++i) ideal_[u] += place_gain(i, k_);
    }
    Eigen::VectorXd w = Eigen::VectorXd::Zero(kRerankWeights);
    for (int round = 0; round < rounds; ++round) {
      // Places in the base order first, then in the fitted model's.
      for (std::size_t u = 0; u < examples_.size(); ++u) {
        cancel_.poll(16);
        const auto n = examples_[u].relevant.size();
        if (round == 0) {
          places_[u].resize(n);
          std::iota(places_[u].begin(), places_[u].end(), 0);
        } else {
          places_[u] = places_by(expanded(u) * w);
        }
      }
      // Pair weights are normalized to mean 1 over every pair.
      const PartialSums weighed = sums(w, Pass::weigh);
      weight_scale_ = weighed.pair_weight > 0 ? weighed.pairs / weighed.pair_weight : 1.0;
      newton(w);
    }
    Reranker model;
    model.mean = mean_;
    model.scale = scale_;
    model.weights = w.cast<float>();
    return model;
  }

 private:
  void standardize() {
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(kRerankFeatures), squares = sum;
    double rows = 0;
    for (const RerankExample& e : examples_) {
      cancel_.poll(16);
      const Eigen::MatrixXd f = e.features.cast<double>();
      sum += f.colwise().sum().transpose();
      squares += f.array().square().colwise().sum().matrix().transpose();
      rows += static_cast<double>(f.rows());
    }
    const Eigen::VectorXd mean = sum / std::max(rows, 1.0);
    const Eigen::VectorXd variance = (squares / std::max(rows, 1.0) - mean.cwiseProduct(mean)).cwiseMax(0.0);
    mean_ = mean.cast<float>();
    // A feature (nearly) the same for every candidate keeps its scale of
    // 1: divided by a tiny spread, a different value when serving would
    // dwarf every other feature.
    const Eigen::VectorXd sd = variance.cwiseSqrt();
    scale_ = sd.unaryExpr([](double v) { return v >= Reranker::kSmallestScale ? v : 1.0; }).cast<float>();
  }

  Eigen::MatrixXd expanded(std::size_t u) const {
    return expand_rerank_features(examples_[u].features, mean_, scale_, kRerankShape);
  }

  // A pair's weight: |change of the player's NDCG@k| if the two swapped places.
  double pair_weight(std::size_t u, Eigen::Index held, Eigen::Index other) const {
    const std::vector<std::int32_t>& place = places_[u];
    return std::abs(place_gain(place[static_cast<std::size_t>(held)], k_) -
                    place_gain(place[static_cast<std::size_t>(other)], k_)) /
           ideal_[u];
  }

  PartialSums sums(const Eigen::VectorXd& w, Pass pass) {
    const auto count = static_cast<std::int64_t>(examples_.size());
    std::vector<PartialSums> partial(static_cast<std::size_t>(chunk_count(count, kExamplesPerChunk)));
    parallel_for(
        count, kExamplesPerChunk,
        [&](const Chunk& chunk, int) {
          PartialSums& into = partial[static_cast<std::size_t>(chunk.number)];
          for (std::int64_t u = chunk.begin; u < chunk.end; ++u)
            add_example(static_cast<std::size_t>(u), w, pass, into);
        },
        cancel_);
    PartialSums total;
    for (const PartialSums& p : partial) {
      total.loss += p.loss;
      total.pair_weight += p.pair_weight;
      total.pairs += p.pairs;
      if (pass != Pass::derivatives) continue;
      total.gradient += p.gradient;
      total.hessian += p.hessian;
    }
    total.loss += 0.5 * l2_ * w.squaredNorm();
    if (pass == Pass::derivatives) {
      total.gradient += l2_ * w;
      total.hessian.diagonal().array() += l2_;
      total.hessian = total.hessian.selfadjointView<Eigen::Lower>();
    }
    return total;
  }

  // One player's part of the pass.  The pairs' loss reads only the
  // candidates' scores, and their derivatives fold into per-candidate sums:
  // the gradient is gᵀ v and the Hessian gᵀ L g, with L the Laplacian of
  // the pairs' curvatures.  Its cost grows with the candidates, not with
  // the pairs times the weights squared.
  void add_example(std::size_t u, const Eigen::VectorXd& w, Pass pass, PartialSums& into) const {
    const RerankExample& e = examples_[u];
    const auto n = static_cast<Eigen::Index>(e.relevant.size());
    std::vector<Eigen::Index> held;
    for (Eigen::Index p = 0; p < n; ++p)
      if (e.relevant[static_cast<std::size_t>(p)]) held.push_back(p);
    if (pass == Pass::weigh) {
      for (Eigen::Index p : held)
        for (Eigen::Index q = 0; q < n; ++q)
          if (!e.relevant[static_cast<std::size_t>(q)]) {
            into.pair_weight += pair_weight(u, p, q);
            into.pairs += 1;
          }
      return;
    }
    if (held.empty() || static_cast<Eigen::Index>(held.size()) == n) return;
    const Eigen::MatrixXd g = expanded(u);
    const Eigen::VectorXd score = g * w;
    Eigen::VectorXd slope_sum = Eigen::VectorXd::Zero(n);      // v
    Eigen::VectorXd curvature_sum = Eigen::VectorXd::Zero(n);  // L's diagonal
    // Row i: the curvature of the pair (held[i], q), L's off-diagonal negated.
    Eigen::MatrixXd cross = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(held.size()), n);
    for (std::size_t i = 0; i < held.size(); ++i) {
      const Eigen::Index p = held[i];
      for (Eigen::Index q = 0; q < n; ++q) {
        if (e.relevant[static_cast<std::size_t>(q)]) continue;
        const double weight = pair_weight(u, p, q) * weight_scale_;
        if (weight <= 0) continue;
        const double z = score[p] - score[q];
        // log(1 + exp(-z)) without overflow
        into.loss += weight * (z > 0 ? std::log1p(std::exp(-z)) : -z + std::log1p(std::exp(z)));
        const double sigmoid = 1.0 / (1.0 + std::exp(-z));
        const double slope = -weight * (1.0 - sigmoid), curvature = weight * sigmoid * (1.0 - sigmoid);
        slope_sum[p] += slope;
        slope_sum[q] -= slope;
        curvature_sum[p] += curvature;
        curvature_sum[q] += curvature;
        cross(static_cast<Eigen::Index>(i), q) = curvature;
      }
    }
    if (pass != Pass::derivatives) return;
    into.gradient.noalias() += g.transpose() * slope_sum;
    // gᵀ L g = gᵀ diag(curvature_sum) g - Σ_i (g_p h_iᵀ + h_i g_pᵀ), h = cross g;
    // the lower triangle only (sums() mirrors it).
    const Eigen::MatrixXd rooted = curvature_sum.cwiseSqrt().asDiagonal() * g;
    into.hessian.selfadjointView<Eigen::Lower>().rankUpdate(rooted.transpose());
    const Eigen::MatrixXd h = cross * g;
    Eigen::MatrixXd held_rows(static_cast<Eigen::Index>(held.size()), g.cols());
    for (std::size_t i = 0; i < held.size(); ++i) held_rows.row(static_cast<Eigen::Index>(i)) = g.row(held[i]);
    const Eigen::MatrixXd both = held_rows.transpose() * h;
    into.hessian.triangularView<Eigen::Lower>() -= both + both.transpose();
  }

  // Newton's method with a backtracking line search, from w.
  void newton(Eigen::VectorXd& w) {
    for (int step = 0; step < kNewtonSteps; ++step) {
      const PartialSums at = sums(w, Pass::derivatives);
      const Eigen::VectorXd direction = at.hessian.ldlt().solve(-at.gradient);
      const double slope = at.gradient.dot(direction);
      // Converged: Newton's predicted decrease is a millionth of the loss
      // (it falls quadratically; a further step moves no list).
      if (!(slope < -kConverged * std::max(1.0, std::abs(at.loss)))) return;
      double t = 1;
      bool moved = false;
      for (int halving = 0; halving < 30; ++halving, t /= 2) {
        const Eigen::VectorXd next = w + t * direction;
        if (sums(next, Pass::loss).loss <= at.loss + 1e-4 * t * slope) {
          w = next;
          moved = true;
          break;
        }
      }
      if (!moved) return;
    }
  }

  const std::vector<RerankExample>& examples_;
  const std::int32_t k_;
  const double l2_;
  CancelCheck& cancel_;
  Eigen::VectorXf mean_, scale_;
  std::vector<std::vector<std::int32_t>> places_;  // per example, each candidate's place this round
  std::vector<double> ideal_;                      // per example, its best reachable DCG@k
  double weight_scale_ = 1;
};

}  // namespace

std::vector<float> rerank_game_facts(const TrainingSet& data) {
  const auto games = static_cast<std::size_t>(data.games());
  std::vector<float> facts(games * kRerankGameFacts, 0.0f);
  const SparseRows& by_game = data.by_game();
  for (std::size_t g = 0; g < games; ++g) {
    const std::int64_t begin = by_game.offset[g], end = by_game.offset[g + 1];
    double played = 0, engagement = 0;
    for (std::int64_t p = begin; p < end; ++p) {
      const float value = std::isfinite(by_game.value[p]) ? by_game.value[p] : 0.0f;
      played += value > 0 ? 1 : 0;
      engagement += value;
    }
    const double owners = static_cast<double>(end - begin);
    float* fact = &facts[g * kRerankGameFacts];
    fact[kFactLogOwners] = static_cast<float>(std::log1p(owners));
    fact[kFactPlayedShare] = owners > 0 ? static_cast<float>(played / owners) : 0.0f;
    fact[kFactMeanEngagement] = owners > 0 ? static_cast<float>(engagement / owners) : 0.0f;
  }
  // Years since 2000 by the catalog; an unknown one counts as the mean.
  const std::vector<double>& years = data.release_years_by_game();
  double known = 0, sum = 0;
  for (double y : years)
    if (std::isfinite(y)) {
      known += 1;
      sum += y;
    }
  const double mean = known > 0 ? sum / known : 10.0;
  for (std::size_t g = 0; g < games; ++g) {
    const double y = g < years.size() && std::isfinite(years[g]) ? years[g] : mean;
    facts[g * kRerankGameFacts + kFactReleaseYear] = static_cast<float>((y - 10.0) / 5.0);
  }
  return facts;
}

RerankFeatureBuilder::RerankFeatureBuilder(const ModelView& view)
    : view_(view), profile_(static_cast<std::size_t>(std::max(view.tag_count, 0)), 0.0f) {}

void RerankFeatureBuilder::build(const std::vector<std::int32_t>& owned, const std::vector<RerankCandidate>& candidates,
                                 const ScoreSpread& spread, Eigen::MatrixXf* features) {
  const auto n = static_cast<Eigen::Index>(candidates.size());
  features->setZero(n, kRerankFeatures);
  if (n == 0 || view_.rerank_facts == nullptr) return;
  const SparseView& tags = view_.tags;
  const std::int32_t games = view_.game_count;
  const auto known = [games](std::int32_t g) { return g >= 0 && g < games; };
  const auto fact = [&](std::int32_t g, RerankGameFact f) -> const float& {
    return view_.rerank_facts[static_cast<std::size_t>(g) * kRerankGameFacts + f];
  };
  // The rows read below are scattered over the image: their loads are
  // started together (prefetch_rows.hpp).
  const auto owned_game = [&](std::size_t o) { return owned[o]; };
  const auto candidate_game = [&](std::size_t c) { return candidates[c].game; };
  prefetch_rows(tags, owned.size(), owned_game);
  prefetch_rows(tags, candidates.size(), candidate_game);
  const auto prefetch_facts = [&](std::size_t count, auto game_of) {
    for (std::size_t i = 0; i < std::min<std::size_t>(count, kPrefetchedFactsAtMost); ++i)
      if (known(game_of(i))) __builtin_prefetch(&fact(game_of(i), kFactLogOwners));
  };
  prefetch_facts(owned.size(), owned_game);
  prefetch_facts(candidates.size(), candidate_game);
  // The player's tag profile: the sum of their games' unit tag vectors.
  double year_sum = 0;
  double library = 0;
  for (std::int32_t g : owned) {
    if (!known(g)) continue;  // a game the model does not have adds nothing
    library += 1;
    year_sum += fact(g, kFactReleaseYear);
    for (std::int64_t p = tags.begin(g); p < tags.end(g); ++p) {
      const auto t = static_cast<std::size_t>(tags.index[p]);
      if (profile_[t] == 0) profile_tags_.push_back(tags.index[p]);
      profile_[t] += tags.value[p];
    }
  }
  double norm = 0;
  for (std::int32_t t : profile_tags_)
    norm += static_cast<double>(profile_[static_cast<std::size_t>(t)]) * profile_[static_cast<std::size_t>(t)];
  norm = std::sqrt(norm);
  const double mean_year = library > 0 ? year_sum / library : 0.0;
  const double log_library = std::log1p(library);
  const double log_two_plus_library = std::log(2.0 + library);

  // Where the base model tells nothing apart (the best score 0, or every
  // score alike), its score features are 0 rather than a ratio of noise,
  // and every one is bounded, so no player's dominates the fit's scaling.
  const double best = std::abs(static_cast<double>(candidates.front().score));
  const auto bounded = [](double value) {
    return static_cast<float>(std::clamp(value, -kScoreFeatureBound, kScoreFeatureBound));
  };
  for (Eigen::Index c = 0; c < n; ++c) {
    const std::int32_t g = candidates[static_cast<std::size_t>(c)].game;
    if (!known(g)) continue;  // a row of zeros
    const double score = candidates[static_cast<std::size_t>(c)].score;
    double dot = 0;
    if (norm > 0)
      for (std::int64_t p = tags.begin(g); p < tags.end(g); ++p)
        dot += static_cast<double>(profile_[static_cast<std::size_t>(tags.index[p])]) * tags.value[p];
    auto row = features->row(c);
    row[kScoreZ] = spread.sd > kTiny ? bounded((score - spread.mean) / spread.sd) : 0.0f;
    row[kScoreShare] = best > kTiny ? bounded(score / best) : 0.0f;
    row[kLogRank] = log_one_plus(c);
    row[kLogOwners] = fact(g, kFactLogOwners);
    row[kLogOwnersLibrary] = static_cast<float>(fact(g, kFactLogOwners) * log_library);
    row[kTagCosine] = norm > 0 ? static_cast<float>(dot / norm) : 0.0f;
    row[kHasTags] = tags.end(g) > tags.begin(g) ? 1.0f : 0.0f;
    row[kPlayedShare] = fact(g, kFactPlayedShare);
    row[kMeanEngagement] = fact(g, kFactMeanEngagement);
    row[kReleaseYear] = fact(g, kFactReleaseYear);
    row[kReleaseYearGap] = static_cast<float>(std::abs(fact(g, kFactReleaseYear) - mean_year));
    const RerankCandidate& candidate = candidates[static_cast<std::size_t>(c)];
    row[kSupport] =
        static_cast<float>(log_one_plus(static_cast<Eigen::Index>(candidate.support)) / log_two_plus_library);
    row[kBestLink] = bounded(candidate.best_link);
  }
  for (std::int32_t t : profile_tags_) profile_[static_cast<std::size_t>(t)] = 0;
  profile_tags_.clear();
}

double rerank_fit_bytes(std::int32_t candidates, const DataSize& size) {
  if (candidates <= 0) return 0;
  const double fitted = static_cast<double>(std::min(size.players, kRerankFitPlayersAtMost));
  const double per_candidate = kRerankFeatures * sizeof(float) + 1 + sizeof(std::int32_t);
  // Per player its row offsets (twice) and its list of held-out games.
  const double plays =
      static_cast<double>(size.interactions) * kSplitBytesPerPlay + static_cast<double>(size.players) * 48.0;
  // The tag rows' index and value and every game's offsets (a game only
  // tagged has at least one tag row), the catalog's facts and the names.
  const double games = static_cast<double>(size.games + size.tag_entries);
  const double copied =
      static_cast<double>(size.tag_entries) * 8.0 + games * 8.0 + size.catalog_bytes + size.tag_name_bytes;
  // The games' facts, of the split's model and of the one kept.
  const double facts = 2.0 * games * kRerankGameFacts * sizeof(float);
  // A pass's partial sums: a gradient and Hessian per chunk of examples.
  const double sums = std::ceil(fitted / static_cast<double>(kExamplesPerChunk)) *
                      (kRerankWeights * kRerankWeights + kRerankWeights + 3) * 8.0;
  return fitted * candidates * per_candidate + plays + copied + facts + sums;
}

double rerank_fit_thread_bytes(std::int32_t candidates, const DataSize& size, int threads) {
  if (candidates <= 0) return 0;
  const double n = candidates;
  // A player's expanded features and their rows weighed by the curvatures,
  // the curvatures of its pairs (at most n held-out games times n), and
  // a few vectors and W x W products of n or W numbers (double).
  const double player = (3.0 * n * kRerankWeights + n * n + 4.0 * n + 2.0 * kRerankWeights * kRerankWeights) * 8.0;
  // While the examples are gathered, a ranker's scratch per game (its
  // scores, flags, touched list and support, 21 bytes) and per tag.
  const double ranker = static_cast<double>(size.games) * 24.0 + static_cast<double>(size.tag_entries) * 16.0;
  return std::max(threads, 1) * (player + ranker);
}

Reranker fit_reranker(const std::vector<RerankExample>& examples, std::int32_t k, double l2, int rounds,
                      CancelCheck& cancel) {
  if (examples.empty()) return Reranker{};
  return LambdaFit(examples, k, l2, cancel).fit(rounds);
}

double mean_served_ndcg(const Reranker& model, const std::vector<RerankExample>& examples, std::int32_t k) {
  double sum = 0;
  for (const RerankExample& e : examples) {
    const auto n = static_cast<std::int32_t>(e.relevant.size());
    std::vector<std::int32_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    if (!model.empty() && model.fits(e.features)) order = model.served_order(e.features);
    // The held-out games by candidate index, those outside the candidates
    // as indices past them: every one counts in the ideal, as in evaluate().
    std::vector<std::int32_t> held;
    for (std::int32_t c = 0; c < n; ++c)
      if (e.relevant[static_cast<std::size_t>(c)]) held.push_back(c);
    for (std::int32_t extra = n; static_cast<std::int32_t>(held.size()) < e.held; ++extra) held.push_back(extra);
    sum += list_quality(order, held, static_cast<std::size_t>(std::max(k, 0))).ndcg;
  }
  return examples.empty() ? 0.0 : sum / static_cast<double>(examples.size());
}

Reranker fit_reranker_if_it_wins(std::vector<RerankExample> examples, std::int32_t k, double l2, int rounds,
                                 CancelCheck& cancel) {
  // Moved, not copied, into the two halves and back: the examples are the
  // fit's largest part.
  std::vector<RerankExample> fitted, checked;
  for (std::size_t i = 0; i < examples.size(); ++i) (i % 2 == 0 ? fitted : checked).push_back(std::move(examples[i]));
  const Reranker trial = fit_reranker(fitted, k, l2, rounds, cancel);
  if (trial.empty() || !(mean_served_ndcg(trial, checked, k) > mean_served_ndcg(Reranker{}, checked, k)))
    return Reranker{};
  for (RerankExample& e : checked) fitted.push_back(std::move(e));
  return fit_reranker(fitted, k, l2, rounds, cancel);
}

}  // namespace steam_rec::rec
