#include "core/algorithm_registry.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "core/algorithm_trainers.hpp"
#include "core/catalog_lending.hpp"
#include "core/content_rows.hpp"
#include "core/ease_parts.hpp"
#include "core/itemknn_rows.hpp"
#include "core/neighbor_blend.hpp"
#include "core/new_game_neighbors.hpp"
#include "core/reranker.hpp"
#include "core/rp3beta_parts.hpp"
#include "core/staged_rows.hpp"
#include "core/tag_ridge_map.hpp"
#include "core/target_factors.hpp"

namespace steam_rec::rec {
namespace {

constexpr double kHuge = 1e9;
const char* const kWeightings[] = {"none", "tfidf", "bm25"};
const char* const kSolvers[] = {"cg", "cholesky"};

// Neighbor lists of `count` entries per game: an index and a weight each,
// held twice while they are sorted into place.
double neighbor_lists(double games, double count) { return games * count * 8.0 * 2; }

double popularity_memory(const TrainParams&, const DataSize&) { return 0; }

double itemknn_memory(const TrainParams& params, const DataSize& size) {
  const double games = static_cast<double>(size.games);
  return neighbor_lists(games, params.neighbors) + games * 16.0;
}

// RP3beta's step probabilities: a copy of the player x game matrix, and a
// penalty per game.
double walk_steps(const DataSize& size) {
  return static_cast<double>(size.interactions) * 12.0 + static_cast<double>(size.games) * 8.0;
}

// EASE inverts a dense Gram matrix over the games it covers: two of them in doubles.
double ease_memory(const TrainParams& params, const DataSize& size) {
  const double games = static_cast<double>(size.games);
  const double covered = std::min(games, static_cast<double>(params.max_games));
  // Each blended list is held beside the lists it joins.
  const double blends = (params.knn_weight > 0 ? 2 : 0) + (params.rp3_weight > 0 ? 2 : 0);
  return 2 * covered * covered * sizeof(double) + neighbor_lists(games, params.neighbors) * (1 + blends) +
         (params.rp3_weight > 0 ? walk_steps(size) : 0);
}

double rp3beta_memory(const TrainParams& params, const DataSize& size) {
  return neighbor_lists(static_cast<double>(size.games), params.neighbors) + walk_steps(size);
}

double ials_memory(const TrainParams& params, const DataSize& size) {
  const double rows = static_cast<double>(size.players + size.games);
  return rows * params.factors * sizeof(float) * 2 +
         static_cast<double>(params.factors) * params.factors * sizeof(double) * 4;
}

double content_memory(const TrainParams& params, const DataSize& size) {
  return neighbor_lists(static_cast<double>(size.games), params.content_neighbors);
}

double hybrid_memory(const TrainParams& params, const DataSize& size) {
  // New-game columns: each game's tag neighbours, and one more list per game.
  const double new_games = params.new_game_weight > 0 ? 2 * content_memory(params, size) : 0;
  // The ridge map from tags: three tags x tags matrices of doubles at most.
  const double tags = static_cast<double>(std::min<std::int64_t>(size.tag_entries, kTagRidgeMaxTags));
  const double ridge = params.new_game_weight > 0 && params.tag_ridge_weight > 0 ? 3 * tags * tags * 8 : 0;
  // The re-ranker's fit, before the model kept is trained.  Its split of the
  // plays is made after the rows read are freed, in room the estimate counts
  // for every training (kReadRowsBytesPerPlay): at a million players that
  // room is 0.47 GB, and counted twice it put the default training over the
  // default limit while it used 1.3 GB.
  const double read_rows_room = kReadRowsBytesPerPlay * static_cast<double>(size.interactions);
  const double rerank = std::max(0.0, rerank_fit_bytes(params.rerank_candidates, size) - read_rows_room);
  return content_memory(params, size) + params.base->memory_bytes(params, size) + new_games + ridge + rerank;
}

// Per thread: a float accumulator, a touched list and candidates per game.
double row_scratch(const DataSize& size, int threads) { return threads * static_cast<double>(size.games) * 16.0; }

double no_thread_bytes(const TrainParams&, const DataSize&, int) { return 0; }
double itemknn_thread_bytes(const TrainParams&, const DataSize& size, int threads) {
  return row_scratch(size, threads);
}
// A column of the Gram matrix per thread.
double ease_thread_bytes(const TrainParams& params, const DataSize& size, int threads) {
  const double ease = threads * std::min(static_cast<double>(size.games), static_cast<double>(params.max_games)) * 8.0;
  return params.knn_weight > 0 || params.rp3_weight > 0 ? std::max(ease, row_scratch(size, threads)) : ease;
}
double rp3beta_thread_bytes(const TrainParams&, const DataSize& size, int threads) {
  return row_scratch(size, threads);
}
// Per thread a normal matrix and its factorisation (Cholesky) or four vectors
// (conjugate gradient); and the Gram matrix's partial sums, one per 1,024 rows
// and at most 32 (train_ials.cpp), plus their total.
double ials_thread_bytes(const TrainParams& params, const DataSize& size, int threads) {
  const double factors = params.factors;
  const double rows = std::max(static_cast<double>(size.players), static_cast<double>(size.games));
  return threads * (2 * factors * factors * 4.0 + 4 * factors * 4.0) +
         (std::min(32.0, std::ceil(rows / 1024)) + 1) * factors * factors * 4.0;
}
double content_thread_bytes(const TrainParams&, const DataSize& size, int threads) {
  return row_scratch(size, threads);
}
// The games only tagged, which size.games (the owned ones) leaves out.
double new_games_of(const DataSize& size) {
  return static_cast<double>(size.new_games >= 0 ? size.new_games : size.tag_entries);
}

// The content part, the base and the new-game columns train one after the
// other; the last holds a chunk's ridge lendings to every new game per
// thread, and its rows span the new games too.
double hybrid_thread_bytes(const TrainParams& params, const DataSize& size, int threads) {
  // The re-ranker's fit runs between trainings, so its threads' scratch is
  // counted as another phase.
  const double parts =
      std::max({content_thread_bytes(params, size, threads), params.base->thread_bytes(params, size, threads),
                rerank_fit_thread_bytes(params.rerank_candidates, size, threads)});
  if (!(params.new_game_weight > 0 && params.tag_ridge_weight > 0)) return parts;
  const double new_games = new_games_of(size);
  DataSize every_game = size;
  every_game.games += static_cast<std::int64_t>(new_games);
  const double ridge = threads * ridge_lent_block_bytes(new_games, kNewGameRowsPerChunk);
  return std::max(parts, row_scratch(every_game, threads) + ridge);
}

void train_nothing(const TrainingSet&, const TrainParams&, GameModel&, CancelCheck&) {}

// Games most owners never play rank lower, when play_share_exponent asks.
void favour_played(const TrainingSet& data, const TrainParams& params, GameModel& model) {
  if (params.play_share_exponent > 0)
    scale_columns(model.neighbors, played_share_factors(data, params.play_share_exponent));
}

void train_itemknn_part(const TrainingSet& data, const TrainParams& params, GameModel& model, CancelCheck& cancel) {
  model.neighbors = train_itemknn(data, params, cancel);
  favour_played(data, params, model);
}

void train_rp3beta_part(const TrainingSet& data, const TrainParams& params, GameModel& model, CancelCheck& cancel) {
  model.neighbors = train_rp3beta(data, params, cancel);
  favour_played(data, params, model);
}

// The rows of train_itemknn_part() and train_rp3beta_part(), favour_played() done row by row.
template <typename Rows>
std::unique_ptr<StagedRows> staged_neighbor_rows(const TrainingSet& data, const TrainParams& params,
                                                 std::int64_t rows_per_chunk) {
  auto rows = std::make_unique<StagedRowsOf<Rows>>(data, params);
  rows->rows_per_chunk = rows_per_chunk;
  if (params.play_share_exponent > 0) rows->column_factors = played_share_factors(data, params.play_share_exponent);
  return rows;
}

std::unique_ptr<StagedRows> staged_itemknn_rows(const TrainingSet& data, const TrainParams& params, const GameModel&) {
  return staged_neighbor_rows<ItemknnRows>(data, params, kItemknnRowsPerChunk);
}

std::unique_ptr<StagedRows> staged_rp3beta_rows(const TrainingSet& data, const TrainParams& params, const GameModel&) {
  return staged_neighbor_rows<Rp3betaRows>(data, params, kRp3betaRowsPerChunk);
}

void train_ease_part(const TrainingSet& data, const TrainParams& params, GameModel& model, CancelCheck& cancel) {
  model.neighbors = train_ease(data, params, cancel);
  if (params.knn_weight > 0) {
    model.neighbors =
        blend_neighbors(model.neighbors, train_itemknn(data, ease_itemknn_params(params), cancel), params.knn_weight);
  }
  if (params.rp3_weight > 0)
    model.neighbors = blend_neighbors(model.neighbors, train_rp3beta(data, params, cancel), params.rp3_weight);
  favour_played(data, params, model);
}

void train_ials_part(const TrainingSet& data, const TrainParams& params, GameModel& model, CancelCheck& cancel) {
  model.factors = train_ials(data, params, cancel);
}

void train_content_part(const TrainingSet& data, const TrainParams& params, GameModel& model, CancelCheck& cancel) {
  model.content_neighbors = train_content_neighbors(data, model.tags, params.content_neighbors, cancel);
  if (params.tag_popularity_exponent > 0)
    scale_columns(model.content_neighbors, new_game_tag_popularity_factors(data, params.tag_popularity_exponent));
}

// The rows of train_content_part(), its tag popularity scaling done row by row.
std::unique_ptr<StagedRows> staged_content_rows(const TrainingSet& data, const TrainParams& params,
                                                const GameModel& model) {
  auto rows = std::make_unique<StagedRowsOf<ContentRows>>(
      model.tags, static_cast<std::int32_t>(data.tag_names().size()), owner_counts(data), params.content_neighbors);
  rows->rows_per_chunk = kContentRowsPerChunk;
  rows->content_neighbors = true;
  if (params.tag_popularity_exponent > 0)
    rows->column_factors = new_game_tag_popularity_factors(data, params.tag_popularity_exponent);
  return rows;
}

void train_hybrid(const TrainingSet& data, const TrainParams& params, GameModel& model, CancelCheck& cancel) {
  train_content_part(data, params, model, cancel);
  params.base->train(data, params, model, cancel);
  // A new game has tags only: the base's weights reach it through the owned
  // games most like it by tags, weighed by its tag popularity as content is.
  if (params.new_game_weight > 0 && model.neighbors.rows() > 0) {
    model.neighbors = with_new_game_columns(data, model.tags, model.neighbors, params.new_game_weight,
                                            params.tag_ridge_weight, params.content_neighbors, cancel);
    if (params.tag_popularity_exponent > 0)
      scale_columns(model.neighbors, new_game_tag_popularity_factors(data, params.tag_popularity_exponent));
    add_catalog_lendings(data, owner_counts(data), catalog_weights(params), params.content_neighbors, model.neighbors,
                         cancel);
  }
}

Blend popularity_blend(const TrainParams&) { return Blend{0, 0, 1}; }
Blend collaborative_blend(const TrainParams&) { return Blend{1, 0, Blend{}.popularity}; }
Blend content_blend(const TrainParams&) { return Blend{0, 1, Blend{}.popularity}; }
Blend hybrid_blend(const TrainParams& p) { return Blend{1 - p.content_weight, p.content_weight, Blend{}.popularity}; }

// Factor models solve a player's vector at serving time with the training's settings.
void prepare_fold_in(const TrainParams& p, GameModel& model) {
  model.fold_in = FoldIn{p.regularization, p.alpha, p.unobserved_weight, p.exponent};
}

void prepare_base(const TrainParams& p, GameModel& model) {
  if (p.base->prepare_serving != nullptr) p.base->prepare_serving(p, model);
}

std::vector<std::string> base_names() {
  std::vector<std::string> names;
  for (const AlgorithmSpec& a : algorithms())
    if (a.can_be_base) names.emplace_back(a.name);
  return names;
}

std::vector<std::string> weighting_names() { return {std::begin(kWeightings), std::end(kWeightings)}; }
std::vector<std::string> solver_names() { return {std::begin(kSolvers), std::end(kSolvers)}; }

// A number parameter: its TrainParams field, kind and range.
#define STEAM_REC_NUMBER(field, kind, every, min, max)                                                                     \
  ParameterSpec {                                                                                                          \
#field, kind, every, min, max,                                                                                         \
        [](const TrainParams&                                                                                              \
               p) { return static_cast<double>(p.field); },                                                                \
                                                         [](TrainParams & p,                                               \
                                                            double                                                         \
                                                                v) { p.field = static_cast<decltype(p.field)>(v); },       \
                                                                                                                  nullptr, \
                                                                                                                  nullptr, \
                                                                                                                  nullptr  \
  }

// The SQL versions (major * 100 + minor) defaults changed in.
constexpr int kSql1_6 = 106;
constexpr int kSql1_7 = 107;

// The spec, with the value a stored model lacking its key was trained with,
// which was also the behaviour before SQL `changed_in`.
ParameterSpec absent_reads_as(ParameterSpec spec, double absent, int changed_in) {
  spec.absent = absent;
  spec.default_changed_in = changed_in;
  return spec;
}

// The spec of a parameter that weighs the catalog's facts.
ParameterSpec weighs_catalog(ParameterSpec spec) {
  spec.weighs_catalog = true;
  return spec;
}

// The spec of a key whose default changed from `before` in SQL `changed_in`
// (older SQL keeps it).
ParameterSpec default_was(ParameterSpec spec, double before, int changed_in) {
  spec = absent_reads_as(spec, before, changed_in);
  spec.key_existed_before = true;
  return spec;
}

// The spec of the key whose default re-ranks: off where the re-ranker
// cannot be stored.
ParameterSpec needs_stored_reranker(ParameterSpec spec) {
  spec.default_needs_stored_reranker = true;
  return spec;
}

}  // namespace

bool sql_predates_change(const ParameterSpec& spec, const Defaults& defaults) {
  return !std::isnan(spec.absent) && defaults.sql_version < spec.default_changed_in;
}

bool default_is_absent(const ParameterSpec& spec, const Defaults& defaults) {
  return sql_predates_change(spec, defaults) ||
         (!std::isnan(spec.absent) && spec.default_needs_stored_reranker && !defaults.stores_reranker);
}

const std::vector<ParameterSpec>& parameter_specs() {
  using K = ParamKind;
  static const std::vector<ParameterSpec> specs = {
      {"base", K::text, false, 0, 0, nullptr, nullptr, base_names,
       [](const TrainParams& p) { return std::string(p.base != nullptr ? p.base->name : ""); },
       [](TrainParams& p, const std::string& v) { p.base = find_algorithm(v); }},
      STEAM_REC_NUMBER(engagement_weight, K::number, true, 0, 100),
      STEAM_REC_NUMBER(neighbors, K::integer, false, 1, 5000),
      STEAM_REC_NUMBER(shrinkage, K::number, false, 0, kHuge),
      STEAM_REC_NUMBER(bm25_k1, K::number, false, 0, 100),
      STEAM_REC_NUMBER(bm25_b, K::number, false, 0, 1),
      STEAM_REC_NUMBER(lambda, K::number, false, 1e-3, kHuge),
      // RDLAE is EASE's default since 1.6; a model stored before was plain EASE.
      absent_reads_as(STEAM_REC_NUMBER(dropout, K::number, false, 0, 0.95), 0, kSql1_6),
      absent_reads_as(STEAM_REC_NUMBER(diagonal_relaxation, K::number, false, 0, 1), 0, kSql1_6),
      STEAM_REC_NUMBER(max_games, K::integer, false, 2, 100000),
      // New in 1.6 with defaults 2, 1 and 2; a model stored before added no
      // catalog facts to its Gram.
      weighs_catalog(absent_reads_as(STEAM_REC_NUMBER(catalog_name_weight, K::number, false, 0, 1000), 0, kSql1_6)),
      weighs_catalog(absent_reads_as(STEAM_REC_NUMBER(catalog_studio_weight, K::number, false, 0, 1000), 0, kSql1_6)),
      weighs_catalog(absent_reads_as(STEAM_REC_NUMBER(catalog_series_weight, K::number, false, 0, 1000), 0, kSql1_6)),
      STEAM_REC_NUMBER(popularity_exponent, K::number, false, 0, 2),
      STEAM_REC_NUMBER(knn_weight, K::number, false, 0, 1),
      STEAM_REC_NUMBER(rp3_weight, K::number, false, 0, 1),
      STEAM_REC_NUMBER(rp3_alpha, K::number, false, 0, 10),
      STEAM_REC_NUMBER(rp3_beta, K::number, false, 0, 2),
      STEAM_REC_NUMBER(play_share_exponent, K::number, false, 0, 10),
      STEAM_REC_NUMBER(factors, K::integer, false, 1, 512),
      STEAM_REC_NUMBER(iterations, K::integer, false, 1, 200),
      // 5 and 0.25 since 1.6, which transfer from evaluate() to the full
      // tables; 0.02 and 1 before (every model stores both keys).
      default_was(STEAM_REC_NUMBER(regularization, K::number, false, 0, kHuge), static_cast<double>(0.02f), kSql1_6),
      STEAM_REC_NUMBER(alpha, K::number, false, 0, 1e6),
      STEAM_REC_NUMBER(unobserved_weight, K::number, false, 1e-6, 1e3),
      default_was(STEAM_REC_NUMBER(exponent, K::number, false, 0, 2), 1, kSql1_6),
      STEAM_REC_NUMBER(seed, K::integer, false, 0, 2147483647),
      STEAM_REC_NUMBER(cg_steps, K::integer, false, 1, 64),
      {"solver", K::text, false, 0, 0, nullptr, nullptr, solver_names,
       [](const TrainParams& p) { return std::string(kSolvers[static_cast<int>(p.solver)]); },
       [](TrainParams& p, const std::string& v) {
         for (std::size_t i = 0; i < std::size(kSolvers); ++i)
           if (v == kSolvers[i]) p.solver = static_cast<Solver>(i);
       }},
      STEAM_REC_NUMBER(content_neighbors, K::integer, false, 1, 5000),
      STEAM_REC_NUMBER(content_weight, K::number, false, 0, 1),
      // New in 1.6 with default 1; a model stored before lent new games no
      // weights and did not scale them by tag popularity.
      absent_reads_as(STEAM_REC_NUMBER(new_game_weight, K::number, false, 0, 100), 0, kSql1_6),
      absent_reads_as(STEAM_REC_NUMBER(tag_popularity_exponent, K::number, false, 0, 10), 0, kSql1_6),
      // New in 1.6 with default 1; a model stored before lent through tag
      // neighbours only.
      absent_reads_as(STEAM_REC_NUMBER(tag_ridge_weight, K::number, false, 0, 100), 0, kSql1_6),
      // New in 1.6 with defaults 3 and 30; a model stored before lent new
      // games nothing from the catalog.
      weighs_catalog(absent_reads_as(STEAM_REC_NUMBER(studio_weight, K::number, false, 0, 1000), 0, kSql1_6)),
      weighs_catalog(absent_reads_as(STEAM_REC_NUMBER(series_weight, K::number, false, 0, 1000), 0, kSql1_6)),
      // New in 1.6 with default 15; a model stored before lent new games
      // nothing for the words of their names.
      weighs_catalog(absent_reads_as(STEAM_REC_NUMBER(name_word_weight, K::number, false, 0, 1000), 0, kSql1_6)),
      // New in 1.6; a model stored before did not weigh lent weights by
      // release dates.
      weighs_catalog(absent_reads_as(STEAM_REC_NUMBER(release_years_scale, K::number, false, 0, 1000), 0, kSql1_6)),
      // The re-ranker reads release dates only where the base's catalog
      // weights have the catalog read (else every date counts as unknown).
      // 100 since 1.7, which stores the re-ranker; 0 before and on Citus.
      needs_stored_reranker(
          default_was(STEAM_REC_NUMBER(rerank_candidates, K::integer, false, 0, kRerankCandidatesAtMost), 0, kSql1_7)),
      {"weighting", K::text, false, 0, 0, nullptr, nullptr, weighting_names,
       [](const TrainParams& p) { return std::string(kWeightings[static_cast<int>(p.weighting)]); },
       [](TrainParams& p, const std::string& v) {
         for (std::size_t i = 0; i < std::size(kWeightings); ++i)
           if (v == kWeightings[i]) p.weighting = static_cast<Weighting>(i);
       }},
  };
  return specs;
}

#undef STEAM_REC_NUMBER

// The registry.  One entry per algorithm; its trainer lives in its own file
// (train_<name>.cpp, declared in algorithm_trainers.hpp).
const std::vector<AlgorithmSpec>& algorithms() {
  static const std::vector<AlgorithmSpec> list = {
      {"popularity",
       "Ranks every game by how many players own it, weighted by engagement; the same list for everyone.",
       "the popularity of each game",
       {},
       false,
       false,
       nullptr,
       train_nothing,
       popularity_memory,
       no_thread_bytes,
       popularity_blend,
       nullptr},
      {"itemknn",
       "Item-item cosine similarity with shrinkage over who owns what, weighted by BM25 or TF-IDF.",
       "each game's most similar games (neighbors, weights)",
       {"neighbors", "shrinkage", "bm25_k1", "bm25_b", "weighting", "play_share_exponent"},
       true,
       true,
       nullptr,
       train_itemknn_part,
       itemknn_memory,
       itemknn_thread_bytes,
       collaborative_blend,
       nullptr,
       staged_itemknn_rows},
      {"ease",
       "Steck's EASE: a closed-form linear item-item model over the max_games most-owned games.",
       "each game's largest EASE weights (neighbors, weights)",
       {"neighbors", "lambda", "dropout", "diagonal_relaxation", "max_games", "popularity_exponent", "knn_weight",
        "rp3_weight", "rp3_alpha", "rp3_beta", "play_share_exponent", "catalog_name_weight", "catalog_studio_weight",
        "catalog_series_weight"},
       true,
       true,
       nullptr,
       train_ease_part,
       ease_memory,
       ease_thread_bytes,
       collaborative_blend,
       nullptr},
      {"rp3beta",
       "RP3beta: a random walk game -> owner -> game, its steps raised to rp3_alpha and each arrival divided by the "
       "game's owners^rp3_beta.",
       "each game's largest walk probabilities (neighbors, weights)",
       {"neighbors", "rp3_alpha", "rp3_beta", "play_share_exponent"},
       true,
       true,
       nullptr,
       train_rp3beta_part,
       rp3beta_memory,
       rp3beta_thread_bytes,
       collaborative_blend,
       nullptr,
       staged_rp3beta_rows},
      {"ials",
       "Implicit alternating least squares: game factors; a player's factors are solved at serving time.",
       "each game's latent factors (factors)",
       {"factors", "iterations", "regularization", "alpha", "unobserved_weight", "exponent", "seed", "solver",
        "cg_steps"},
       true,
       false,
       nullptr,
       train_ials_part,
       ials_memory,
       ials_thread_bytes,
       collaborative_blend,
       prepare_fold_in},
      {"content",
       "Tag similarity: games whose Steam tags are most like those of the games a player owns.",
       "each game's most similar games by tags (content_neighbors, content_weights)",
       {"content_neighbors", "tag_popularity_exponent"},
       false,
       false,
       nullptr,
       train_content_part,
       content_memory,
       content_thread_bytes,
       content_blend,
       nullptr,
       staged_content_rows},
      {"hybrid",
       "A collaborative base (ease, itemknn, rp3beta or ials) blended with content by content_weight.",
       "the base's parts and the content neighbours",
       {"base", "content_neighbors", "content_weight", "tag_popularity_exponent", "new_game_weight", "tag_ridge_weight",
        "studio_weight", "series_weight", "name_word_weight", "release_years_scale", "rerank_candidates"},
       false,
       false,
       "ease",
       train_hybrid,
       hybrid_memory,
       hybrid_thread_bytes,
       hybrid_blend,
       prepare_base},
  };
  return list;
}

const AlgorithmSpec* find_algorithm(const std::string& name) {
  for (const AlgorithmSpec& a : algorithms())
    if (name == a.name) return &a;
  return nullptr;
}

const AlgorithmSpec* default_algorithm() {
  static const AlgorithmSpec* const found = find_algorithm(kDefaultAlgorithm);
  return found;
}

const AlgorithmSpec* default_base_of(const AlgorithmSpec* algorithm) {
  return algorithm != nullptr && algorithm->default_base != nullptr ? find_algorithm(algorithm->default_base) : nullptr;
}

const ParameterSpec* find_parameter(const std::string& key) {
  for (const ParameterSpec& spec : parameter_specs())
    if (key == spec.key) return &spec;
  return nullptr;
}

namespace {

bool own_parameter(const AlgorithmSpec& algorithm, const ParameterSpec& spec) {
  if (spec.every_algorithm) return true;
  for (const char* key : algorithm.parameters)
    if (std::string(key) == spec.key) return true;
  return false;
}

}  // namespace

bool takes_parameter(const ParameterSpec& spec, const TrainParams& params) {
  if (own_parameter(*params.algorithm, spec)) return true;
  return params.algorithm->default_base != nullptr && params.base != nullptr && own_parameter(*params.base, spec);
}

bool lists_parameter(const AlgorithmSpec& algorithm, const ParameterSpec& spec, std::string* bases) {
  bases->clear();
  if (own_parameter(algorithm, spec)) return true;
  if (algorithm.default_base == nullptr) return false;
  for (const AlgorithmSpec& base : algorithms()) {
    if (!base.can_be_base || !own_parameter(base, spec)) continue;
    if (!bases->empty()) *bases += " or ";
    *bases += base.name;
  }
  return !bases->empty();
}

std::string algorithms_within(double budget_bytes, const DataSize& size, const AlgorithmSpec* except) {
  std::vector<const char*> fitting;
  for (const AlgorithmSpec& a : algorithms()) {
    if (&a == except) continue;
    TrainParams params;
    params.algorithm = &a;
    params.base = default_base_of(&a);
    if (training_memory_bytes(params, size) <= budget_bytes) fitting.push_back(a.name);
  }
  std::string text;
  for (std::size_t i = 0; i < fitting.size(); ++i) {
    if (i > 0) text += i + 1 == fitting.size() ? " or " : ", ";
    text += fitting[i];
  }
  return text;
}

}  // namespace steam_rec::rec
