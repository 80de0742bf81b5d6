#include "core/model_image.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>

#include "core/errors.hpp"
#include "core/guard.hpp"
#include "core/image_checksum.hpp"

namespace steam_rec::rec {
namespace {

constexpr char kMagic[8] = {'S', 'T', 'R', 'E', 'C', 'I', 'M', 'G'};
constexpr std::size_t kAlignment = 64;

enum Section : int {
  kAppids,
  kPopularity,
  kNeighborOffset,
  kNeighborIndex,
  kNeighborValue,
  kContentOffset,
  kContentIndex,
  kContentValue,
  kTagOffset,
  kTagIndex,
  kTagValue,
  kFactors,
  kTagNameOffset,
  kTagNameChars,
  kGamesByTagOffset,
  kGamesByTagIndex,
  kGamesByTagValue,
  kMaxNeighbor,
  kByPopularity,
  kGram,
  kTagsByFoldedName,
  kRerankFacts,
  kReranker,
  kSectionCount
};

struct SectionPlace {
  std::uint64_t offset;
  std::uint64_t bytes;
};

struct Header {
  char magic[8];
  std::uint32_t format_version;
  std::uint32_t header_bytes;
  std::uint64_t file_bytes;
  std::uint64_t checksum;  // of the whole image with this field 0
  ImageKey key;
  std::int32_t games, tags, factors;
  std::int32_t observed_games;  // games with non-zero factors (the fold-in's count)
  std::int64_t neighbor_nonzeros, content_nonzeros, tag_nonzeros, tag_name_bytes;
  float engagement_weight, regularization, alpha, unobserved_weight, exponent;
  float blend_collaborative, blend_content, blend_popularity;
  std::int32_t rerank_candidates;
  std::int32_t rerank_fact_games;  // 0 or games
  std::int32_t reranker_numbers;   // 0 or a RerankShape's stored_numbers()
  std::int32_t unused;
  SectionPlace sections[kSectionCount];
};
static_assert(sizeof(ImageKey) == 32, "the image key has no padding");
static_assert(sizeof(Header) % 8 == 0, "sections after the header stay aligned");

// Games whose factors are not all zero: those with interactions in training
// (the fold-in's regularization counts them, as training did).
std::int32_t nonzero_factor_rows(const Eigen::MatrixXf& factors) {
  if (factors.cols() == 0) return 0;
  return static_cast<std::int32_t>((factors.array() != 0.0f).rowwise().any().count());
}

// The element count of each section implied by the header's counts; false
// when a count is negative.
bool section_elements(const Header& h, std::uint64_t elements[kSectionCount],
                      std::uint64_t element_bytes[kSectionCount]) {
  if (h.games < 0 || h.tags < 0 || h.factors < 0 || h.neighbor_nonzeros < 0 || h.content_nonzeros < 0 ||
      h.tag_nonzeros < 0 || h.tag_name_bytes < 0 || (h.rerank_fact_games != 0 && h.rerank_fact_games != h.games) ||
      (h.reranker_numbers != 0 && rerank_shape_of(h.reranker_numbers) == nullptr))
    return false;
  const std::uint64_t n = static_cast<std::uint64_t>(h.games), t = static_cast<std::uint64_t>(h.tags),
                      f = static_cast<std::uint64_t>(h.factors);
  const std::uint64_t counts[kSectionCount] = {n,
                                               n,  // appids, popularity
                                               n + 1,
                                               std::uint64_t(h.neighbor_nonzeros),
                                               std::uint64_t(h.neighbor_nonzeros),  // neighbors
                                               n + 1,
                                               std::uint64_t(h.content_nonzeros),
                                               std::uint64_t(h.content_nonzeros),  // content neighbors
                                               n + 1,
                                               std::uint64_t(h.tag_nonzeros),
                                               std::uint64_t(h.tag_nonzeros),  // tags
                                               n * f,                          // factors (each < 2^31)
                                               t + 1,
                                               std::uint64_t(h.tag_name_bytes),  // tag names
                                               t + 1,
                                               std::uint64_t(h.tag_nonzeros),
                                               std::uint64_t(h.tag_nonzeros),  // games by tag
                                               n,
                                               n,
                                               f * f,
                                               t,
                                               std::uint64_t(h.rerank_fact_games) * kRerankGameFacts,
                                               std::uint64_t(h.reranker_numbers)};
  const std::uint64_t sizes[kSectionCount] = {4, 4, 8, 4, 4, 8, 4, 4, 8, 4, 4, 4, 4, 1, 8, 4, 4, 4, 4, 4, 4, 4, 4};
  for (int s = 0; s < kSectionCount; ++s) {
    elements[s] = counts[s];
    element_bytes[s] = sizes[s];
  }
  return true;
}

std::uint64_t checksum_of(const unsigned char* image, const Header& header, std::size_t size) {
  Header zeroed = header;
  zeroed.checksum = 0;
  const std::uint64_t head = image_checksum(&zeroed, sizeof zeroed, 0);
  return image_checksum(image + sizeof(Header), size - sizeof(Header), head);
}

// A CSR matrix of `count` rows: the model's `rows`, or `empty` made all rows
// empty when the model does not have it.  A reference, not a copy: an item
// model's neighbours are a hundred MB.
const SparseRows& rows_or_empty(const SparseRows& rows, std::int32_t count, SparseRows& empty) {
  if (rows.rows() == count) return rows;
  empty.offset.assign(static_cast<std::size_t>(count) + 1, 0);
  return empty;
}

// `image` made `size` zero bytes, in pieces with a cancel poll between them:
// the first touch of tens of MB of fresh memory takes a fifth of a second.
void zero_filled(std::vector<unsigned char>& image, std::size_t size, CancelCheck& cancel) {
  constexpr std::size_t kBytesPerPiece = 8u << 20;
  image.clear();
  image.reserve(size);
  while (image.size() < size) {
    cancel.poll_now();
    image.resize(std::min(size, image.size() + kBytesPerPiece));
  }
}

class Writer {
 public:
  explicit Writer(Header& header) : header_(header), end_(sizeof(Header)) {}

  // Reserves a section for `bytes` bytes.
  void place(Section s, std::size_t bytes) {
    end_ = (end_ + kAlignment - 1) / kAlignment * kAlignment;
    header_.sections[s] = SectionPlace{end_, bytes};
    end_ += bytes;
  }
  std::size_t end() const { return end_; }

 private:
  Header& header_;
  std::size_t end_;
};

template <typename T>
void copy(std::vector<unsigned char>& image, const Header& header, Section s, const T* data, std::size_t count) {
  if (count > 0) std::memcpy(image.data() + header.sections[s].offset, data, count * sizeof(T));
}

// factors' * factors, summed over blocks of games with a cancel poll between
// them: at 512 factors and 33,000 games it is a second of work.
Eigen::MatrixXf factor_gram(const Eigen::MatrixXf& factors, CancelCheck& cancel) {
  constexpr Eigen::Index kGamesPerBlock = 2048;
  Eigen::MatrixXf gram = Eigen::MatrixXf::Zero(factors.cols(), factors.cols());
  for (Eigen::Index first = 0; first < factors.rows(); first += kGamesPerBlock) {
    cancel.poll_now();
    const auto block = factors.middleRows(first, std::min(kGamesPerBlock, factors.rows() - first));
    gram.noalias() += block.transpose() * block;
  }
  return gram;
}

void build(const GameModel& model, const ImageKey& key, std::vector<unsigned char>& image, CancelCheck& cancel) {
  model.validate();
  const std::int32_t n = model.games();
  const auto t = static_cast<std::int32_t>(model.tag_names.size());
  const auto f = static_cast<std::int32_t>(model.factors.size() > 0 ? model.factors.cols() : 0);
  SparseRows no_neighbors, no_content, no_tags;
  const SparseRows& neighbors = rows_or_empty(model.neighbors, n, no_neighbors);
  const SparseRows& content = rows_or_empty(model.content_neighbors, n, no_content);
  const SparseRows& tags = rows_or_empty(model.tags, n, no_tags);
  const SparseRows games_by_tag = transpose(tags, t);

  std::vector<float> max_neighbor(static_cast<std::size_t>(n), 0.0f);
  if (model.has_neighbors())
    for (std::int32_t g = 0; g < n; ++g)
      for (std::int64_t p = neighbors.offset[g]; p < neighbors.offset[g + 1]; ++p)
        max_neighbor[g] = std::max(max_neighbor[g], neighbors.value[p]);
  std::vector<std::int32_t> by_popularity(static_cast<std::size_t>(n));
  std::iota(by_popularity.begin(), by_popularity.end(), 0);
  std::stable_sort(by_popularity.begin(), by_popularity.end(),
                   [&](std::int32_t a, std::int32_t b) { return model.popularity[a] > model.popularity[b]; });
  Eigen::MatrixXf gram;
  if (f > 0) gram = factor_gram(model.factors, cancel);
  std::vector<std::uint32_t> name_offset(1, 0);
  std::string name_chars;
  for (const std::string& name : model.tag_names) {
    name_chars += name;
    if (name_chars.size() > 0xFFFFFFFFu) throw InvalidArgument("model tag names are too long for an image");
    name_offset.push_back(static_cast<std::uint32_t>(name_chars.size()));
  }
  std::vector<std::int32_t> by_folded_name(static_cast<std::size_t>(t));
  std::iota(by_folded_name.begin(), by_folded_name.end(), 0);
  std::stable_sort(by_folded_name.begin(), by_folded_name.end(), [&](std::int32_t a, std::int32_t b) {
    return compare_folded(model.tag_names[a], model.tag_names[b]) < 0;
  });

  Header header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.format_version = kImageFormatVersion;
  header.header_bytes = sizeof(Header);
  header.key = key;
  header.games = n;
  header.tags = t;
  header.factors = f;
  header.neighbor_nonzeros = neighbors.nonzeros();
  header.content_nonzeros = content.nonzeros();
  header.tag_nonzeros = tags.nonzeros();
  header.tag_name_bytes = static_cast<std::int64_t>(name_chars.size());
  header.engagement_weight = model.weight.engagement_weight;
  header.regularization = model.fold_in.regularization;
  header.alpha = model.fold_in.alpha;
  header.unobserved_weight = model.fold_in.unobserved_weight;
  header.exponent = model.fold_in.exponent;
  header.observed_games = static_cast<std::int32_t>(model.fold_in.observed >= 0 ? model.fold_in.observed
                                                                                : nonzero_factor_rows(model.factors));
  header.blend_collaborative = model.blend.collaborative;
  header.blend_content = model.blend.content;
  header.blend_popularity = model.blend.popularity;
  const std::vector<float> reranker = model.reranker.stored();
  header.rerank_fact_games = model.has_rerank_facts() ? n : 0;
  header.reranker_numbers = static_cast<std::int32_t>(reranker.size());
  header.rerank_candidates = model.rerank_candidates;

  std::uint64_t elements[kSectionCount], element_bytes[kSectionCount];
  section_elements(header, elements, element_bytes);
  Writer writer(header);
  for (int s = 0; s < kSectionCount; ++s) writer.place(static_cast<Section>(s), elements[s] * element_bytes[s]);
  header.file_bytes = writer.end();
  zero_filled(image, writer.end(), cancel);

  copy(image, header, kAppids, model.appids.data(), model.appids.size());
  copy(image, header, kPopularity, model.popularity.data(), model.popularity.size());
  const SparseRows* csr[4] = {&neighbors, &content, &tags, &games_by_tag};
  const Section csr_first[4] = {kNeighborOffset, kContentOffset, kTagOffset, kGamesByTagOffset};
  for (int m = 0; m < 4; ++m) {
    copy(image, header, csr_first[m], csr[m]->offset.data(), csr[m]->offset.size());
    copy(image, header, static_cast<Section>(csr_first[m] + 1), csr[m]->index.data(), csr[m]->index.size());
    copy(image, header, static_cast<Section>(csr_first[m] + 2), csr[m]->value.data(), csr[m]->value.size());
  }
  if (f > 0) copy(image, header, kFactors, model.factors.data(), static_cast<std::size_t>(model.factors.size()));
  copy(image, header, kTagNameOffset, name_offset.data(), name_offset.size());
  copy(image, header, kTagNameChars, name_chars.data(), name_chars.size());
  copy(image, header, kMaxNeighbor, max_neighbor.data(), max_neighbor.size());
  copy(image, header, kByPopularity, by_popularity.data(), by_popularity.size());
  if (f > 0) copy(image, header, kGram, gram.data(), static_cast<std::size_t>(gram.size()));
  copy(image, header, kTagsByFoldedName, by_folded_name.data(), by_folded_name.size());
  if (header.rerank_fact_games > 0)
    copy(image, header, kRerankFacts, model.rerank_facts.data(), model.rerank_facts.size());
  copy(image, header, kReranker, reranker.data(), reranker.size());

  header.checksum = 0;
  std::memcpy(image.data(), &header, sizeof header);
  header.checksum = checksum_of(image.data(), header, image.size());
  std::memcpy(image.data(), &header, sizeof header);
}

// Whether every value lies in [0, limit); branch-free, so the compiler
// vectorises it (an image is checked whole by every backend that maps it).
[[gnu::optimize("tree-vectorize", "vect-cost-model=dynamic")]] bool all_below(const std::int32_t* values,
                                                                              std::int64_t count, std::int32_t limit) {
  std::uint32_t outside = 0;
  const auto bound = static_cast<std::uint32_t>(limit);
  for (std::int64_t i = 0; i < count; ++i) outside |= static_cast<std::uint32_t>(values[i]) >= bound;
  return outside == 0;
}

// How many values do not exceed the one before them.
[[gnu::optimize("tree-vectorize", "vect-cost-model=dynamic")]] std::int64_t not_rising(const std::int32_t* values,
                                                                                       std::int64_t count) {
  std::int64_t total = 0;
  for (std::int64_t start = 1; start < count; start += 1 << 30) {  // 32-bit counts vectorise best
    const std::int64_t end = std::min(count, start + (std::int64_t{1} << 30));
    std::uint32_t part = 0;
    for (std::int64_t p = start; p < end; ++p) part += values[p] <= values[p - 1];
    total += part;
  }
  return total;
}

// Checks one CSR matrix: offsets start at 0, never fall, end at its
// nonzeros; each row's columns ascend strictly and lie in [0, columns).
// Ascending rows are checked without a loop per row: the number of places
// where a column does not exceed the one before it, over the whole array,
// must equal the number of such places at row starts.
bool valid_rows(const SparseView& rows, std::int32_t columns) {
  if (rows.offset[0] != 0 || rows.offset[rows.rows] != rows.nonzeros) return false;
  for (std::int32_t r = 0; r < rows.rows; ++r)
    if (rows.offset[r] > rows.offset[r + 1]) return false;
  if (!all_below(rows.index, rows.nonzeros, static_cast<std::int32_t>(columns))) return false;
  std::int64_t at_row_starts = 0, previous_start = 0;
  for (std::int32_t r = 1; r < rows.rows; ++r) {
    const std::int64_t p = rows.offset[r];
    if (p == previous_start || p >= rows.nonzeros) continue;  // empty rows share a start
    previous_start = p;
    at_row_starts += rows.index[p] <= rows.index[p - 1];
  }
  return not_rising(rows.index, rows.nonzeros) == at_row_starts;
}

[[noreturn]] void corrupt(const std::string& what) { throw InvalidArgument("model image " + what); }

// Opens the image; `whole` also checks the checksum and every element bound,
// else only the header, the section layout and the key.
void open(const unsigned char* image, std::size_t size, const ImageKey* expected, bool whole, ModelView* out) {
  if (reinterpret_cast<std::uintptr_t>(image) % 8 != 0) corrupt("is not aligned");
  if (size < sizeof(Header)) corrupt("is shorter than its header");
  Header h;
  std::memcpy(&h, image, sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) corrupt("has no image signature");
  if (h.format_version != kImageFormatVersion || h.header_bytes != sizeof(Header))
    corrupt("has format version " + std::to_string(h.format_version) + ", not " + std::to_string(kImageFormatVersion));
  if (h.file_bytes != size)
    corrupt("is " + std::to_string(size) + " bytes, its header says " + std::to_string(h.file_bytes));
  std::uint64_t elements[kSectionCount], element_bytes[kSectionCount];
  if (!section_elements(h, elements, element_bytes) || h.games >= INT32_MAX || h.tags >= INT32_MAX)
    corrupt("has negative counts");
  for (int s = 0; s < kSectionCount; ++s) {
    const SectionPlace& place = h.sections[s];
    if (place.offset % 8 != 0 || place.offset < sizeof(Header) || place.offset > size ||
        place.bytes > size - place.offset)
      corrupt("has section " + std::to_string(s) + " outside the image");
    if (elements[s] > size / element_bytes[s] || elements[s] * element_bytes[s] != place.bytes)
      corrupt("has section " + std::to_string(s) + " of the wrong size");
  }
  if (whole && checksum_of(image, h, size) != h.checksum) corrupt("fails its checksum");
  if (expected != nullptr && !(*expected == h.key)) corrupt("belongs to another model");

  auto at = [&](Section s) { return image + h.sections[s].offset; };
  ModelView v;
  v.game_count = h.games;
  v.tag_count = h.tags;
  v.factor_count = h.factors;
  v.appids = reinterpret_cast<const std::int32_t*>(at(kAppids));
  v.popularity = reinterpret_cast<const float*>(at(kPopularity));
  auto sparse = [&](Section first, std::int32_t rows, std::int64_t nonzeros) {
    return SparseView{reinterpret_cast<const std::int64_t*>(at(first)),
                      reinterpret_cast<const std::int32_t*>(at(static_cast<Section>(first + 1))),
                      reinterpret_cast<const float*>(at(static_cast<Section>(first + 2))), rows, nonzeros};
  };
  v.neighbors = sparse(kNeighborOffset, h.games, h.neighbor_nonzeros);
  v.content_neighbors = sparse(kContentOffset, h.games, h.content_nonzeros);
  v.tags = sparse(kTagOffset, h.games, h.tag_nonzeros);
  v.games_by_tag = sparse(kGamesByTagOffset, h.tags, h.tag_nonzeros);
  v.factor_data = reinterpret_cast<const float*>(at(kFactors));
  v.gram_data = reinterpret_cast<const float*>(at(kGram));
  v.tag_name_offset = reinterpret_cast<const std::uint32_t*>(at(kTagNameOffset));
  v.tag_name_chars = reinterpret_cast<const char*>(at(kTagNameChars));
  v.tags_by_folded_name = reinterpret_cast<const std::int32_t*>(at(kTagsByFoldedName));
  v.max_neighbor = reinterpret_cast<const float*>(at(kMaxNeighbor));
  v.by_popularity = reinterpret_cast<const std::int32_t*>(at(kByPopularity));
  v.weight = InteractionWeight{h.engagement_weight};
  v.fold_in = FoldIn{h.regularization, h.alpha, h.unobserved_weight, h.exponent};
  if (h.observed_games < 0 || h.observed_games > h.games) corrupt("counts more observed games than games");
  v.fold_in.observed = h.observed_games;
  v.blend = Blend{h.blend_collaborative, h.blend_content, h.blend_popularity};
  if (h.rerank_fact_games > 0) v.rerank_facts = reinterpret_cast<const float*>(at(kRerankFacts));
  if (h.reranker_numbers > 0) {
    v.reranker = reinterpret_cast<const float*>(at(kReranker));
    v.reranker_numbers = h.reranker_numbers;
  }
  if (h.rerank_candidates < 0 || h.rerank_candidates > kRerankCandidatesAtMost ||
      (h.rerank_candidates > 0 && (v.reranker == nullptr || v.rerank_facts == nullptr)))
    corrupt("re-orders " + std::to_string(h.rerank_candidates) + " candidates without a re-ranker");
  v.rerank_candidates = h.rerank_candidates;
  v.image_bytes = size;

  if (!whole) {
    *out = v;
    return;
  }
  // Bounds: whatever the checksum missed, ranking never reads outside the image.
  for (std::int32_t g = 1; g < v.game_count; ++g)
    if (v.appids[g] <= v.appids[g - 1]) corrupt("has games out of order");
  if (!valid_rows(v.neighbors, h.games) || !valid_rows(v.content_neighbors, h.games) || !valid_rows(v.tags, h.tags) ||
      !valid_rows(v.games_by_tag, h.games))
    corrupt("has a malformed sparse section");
  if (!all_below(v.by_popularity, h.games, h.games) || !all_below(v.tags_by_folded_name, h.tags, h.tags))
    corrupt("has an index out of range");
  if (v.tag_name_offset[0] != 0 || v.tag_name_offset[h.tags] != static_cast<std::uint64_t>(h.tag_name_bytes))
    corrupt("has malformed tag names");
  for (std::int32_t t = 0; t < h.tags; ++t)
    if (v.tag_name_offset[t] > v.tag_name_offset[t + 1]) corrupt("has malformed tag names");
  // The re-ranker's numbers must be bounded, as GameModel::validate() wants
  // them, so its scores are finite.
  if (v.rerank_facts != nullptr &&
      !(Eigen::Map<const Eigen::ArrayXf>(v.rerank_facts, std::int64_t{h.games} * kRerankGameFacts).abs() <=
        kLargestStoredMagnitude)
           .all())
    corrupt("has re-ranker facts that are not finite or beyond 1e12");
  if (v.reranker != nullptr && !Reranker::from_stored(v.reranker, v.reranker_numbers).well_formed())
    corrupt("has a malformed re-ranker");
  *out = v;
}

}  // namespace

int compare_folded(std::string_view a, std::string_view b) {
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < common; ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y - 'A' + 'a');
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

void ModelView::tags_named(std::string_view name, const std::int32_t** first, const std::int32_t** last) const {
  const std::int32_t* begin = tags_by_folded_name;
  const std::int32_t* end = tags_by_folded_name + tag_count;
  *first = std::lower_bound(begin, end, name,
                            [&](std::int32_t tag, std::string_view n) { return compare_folded(tag_name(tag), n) < 0; });
  *last = std::upper_bound(*first, end, name,
                           [&](std::string_view n, std::int32_t tag) { return compare_folded(n, tag_name(tag)) < 0; });
}

Status build_model_image(const GameModel& model, const ImageKey& key, std::vector<unsigned char>* image,
                         CancelCheck cancel) noexcept {
  return guard([&] { build(model, key, *image, cancel); });
}

Status open_model_image(const void* data, std::size_t size, const ImageKey* expected, ModelView* view) noexcept {
  return guard([&] { open(static_cast<const unsigned char*>(data), size, expected, true, view); });
}

Status open_checked_model_image(const void* data, std::size_t size, const ImageKey* expected,
                                ModelView* view) noexcept {
  return guard([&] { open(static_cast<const unsigned char*>(data), size, expected, false, view); });
}

bool read_image_key(const void* data, std::size_t size, ImageKey* key) noexcept {
  if (size < sizeof(Header)) return false;
  Header h;
  std::memcpy(&h, data, sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.format_version != kImageFormatVersion) return false;
  *key = h.key;
  return true;
}

}  // namespace steam_rec::rec
