#include "core/training_set.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "core/name_words.hpp"
#include "core/parallel.hpp"
#include "core/series_stem.hpp"

namespace steam_rec::rec {

void TrainingSet::add_owned(std::int64_t player, std::int32_t appid, float engagement) {
  float e = std::isfinite(engagement) ? std::clamp(engagement, 0.0f, 1.0f) : 0.0f;
  owned_.push_back(Owned{player_numbers_.number(player), appid_numbers_.number(appid), e});
}

void TrainingSet::add_game(std::int32_t appid) { appid_numbers_.number(appid); }

void TrainingSet::add_tag(std::int32_t appid, std::string_view tag, std::int32_t position) {
  const std::size_t names_before = tag_numbers_.keys().size();
  tagged_.push_back(Tagged{appid_numbers_.number(appid), tag_numbers_.number(tag), position > 0 ? position : 0});
  if (tag_numbers_.keys().size() > names_before) tag_name_bytes_added_ += tag_name_bytes(tag);
}

void TrainingSet::add_catalog(std::int32_t appid, std::string_view developers, std::string_view publishers,
                              std::string_view name, std::optional<std::int32_t> release_day) {
  catalog_.push_back(catalog_facts(appid, developers, publishers, name, release_day));
  catalog_bytes_added_ += catalog_facts_bytes(catalog_.back());
}

double TrainingSet::catalog_row_bytes(std::string_view developers, std::string_view publishers, std::string_view name) {
  return catalog_facts_bytes(catalog_facts(0, developers, publishers, name, std::nullopt));
}

TrainingSet::CatalogFacts TrainingSet::catalog_facts(std::int32_t appid, std::string_view developers,
                                                     std::string_view publishers, std::string_view name,
                                                     std::optional<std::int32_t> release_day) {
  name = name.substr(0, kCatalogFieldBytes);
  return CatalogFacts{appid,
                      std::string(developers.substr(0, kCatalogFieldBytes)),
                      std::string(publishers.substr(0, kCatalogFieldBytes)),
                      series_stem(name),
                      name_words(name),
                      release_day};
}

namespace {

// The heap bytes a string holds beyond its own object: none while short
// enough to be kept inside it.
double string_heap_bytes(const std::string& text) {
  return text.capacity() > std::string().capacity() ? static_cast<double>(text.capacity() + 1) : 0.0;
}

// What each key or word built from the facts may take at most, each part
// doubled where it grows by doubling: its entry in the list sorted into rows
// (12 x 2), its number table's string and slots (48 x 2), its count of rows
// (8 x 2), its entry in the rows (8), and its entries in EASE's Gram's
// weighted copy and in the lendings' copy by key, each transposed (64).
constexpr double kBytesPerBuiltEntry = 24 + 96 + 16 + 8 + 64;

}  // namespace

double TrainingSet::tag_name_bytes(std::string_view name) {
  // The number table's string object three times (its vector's old and
  // doubled buffers), at most four slots of 4 bytes, the model's string;
  // the text twice where too long to sit inside the string object.
  const double text = name.size() <= std::string().capacity() ? 0.0 : static_cast<double>(name.size() + 1);
  // Storing the model (model_store.cpp), every name at once: a text datum
  // (palloc rounds it up to a power of two, after a 16-byte header), its
  // pointer, and its copy in the array, counted twice (the statement's
  // parameter).  2,000,000 names of 100 characters took 630 bytes each.
  double datum = 8;
  while (datum < static_cast<double>(name.size() + 4)) datum *= 2;
  const double stored = datum + 16 + 8 + 2.0 * static_cast<double>(name.size() + 8);
  return 4.0 * sizeof(std::string) + 16 + 2 * text + stored;
}

double TrainingSet::catalog_facts_bytes(const CatalogFacts& facts) {
  // The row itself three times: while the rows' vector grows, its old and
  // doubled buffers are both held.
  double held = 3.0 * sizeof(CatalogFacts) + string_heap_bytes(facts.developers) + string_heap_bytes(facts.publishers) +
                string_heap_bytes(facts.series) + static_cast<double>(facts.words.capacity() * sizeof(std::string));
  double text = static_cast<double>(facts.developers.size() + facts.publishers.size() + facts.series.size());
  for (const std::string& w : facts.words) {
    held += string_heap_bytes(w);
    text += static_cast<double>(w.size());
  }
  // Each comma may start a listed name (each_listed_name()); the series is one key more.
  const auto listed = [](const std::string& list) {
    return static_cast<double>(std::count(list.begin(), list.end(), ',') + 1);
  };
  const double entries =
      listed(facts.developers) + listed(facts.publishers) + 1 + static_cast<double>(facts.words.size());
  // A key's or word's text is kept once more by its number table.
  return held + entries * kBytesPerBuiltEntry + text;
}

void TrainingSet::expect_rows(std::int64_t owned, std::int64_t tagged, double most_bytes) {
  if (owned < 0 || tagged < 0) return;
  const double bytes = static_cast<double>(owned) * sizeof(Owned) + static_cast<double>(tagged) * sizeof(Tagged);
  if (bytes > most_bytes) return;  // the rows grow as read, and the memory check counts them
  owned_.reserve(static_cast<std::size_t>(owned));
  tagged_.reserve(static_cast<std::size_t>(tagged));
}

std::int32_t TrainingSet::game_index(std::int32_t appid) const {
  auto it = std::lower_bound(appids_.begin(), appids_.end(), appid);
  if (it == appids_.end() || *it != appid) return -1;
  return static_cast<std::int32_t>(it - appids_.begin());
}

SparseRows transpose(const SparseRows& rows, std::int32_t columns) {
  SparseRows result;
  result.offset.assign(static_cast<std::size_t>(columns) + 1, 0);
  for (std::int32_t c : rows.index) ++result.offset[static_cast<std::size_t>(c) + 1];
  for (std::size_t c = 0; c < static_cast<std::size_t>(columns); ++c) result.offset[c + 1] += result.offset[c];
  result.index.resize(rows.index.size());
  result.value.resize(rows.value.size());
  LargeArray<std::int64_t> next(result.offset.begin(), result.offset.end() - 1);
  for (std::int32_t r = 0; r < rows.rows(); ++r) {
    for (std::int64_t p = rows.offset[r]; p < rows.offset[r + 1]; ++p) {
      std::int64_t slot = next[rows.index[p]]++;
      result.index[slot] = r;
      result.value[slot] = rows.value[p];
    }
  }
  return result;
}

namespace {

// Rows at most this long are sorted by insertion: most of a training set's
// rows (a player's games, a game's tags) are short, and std::stable_sort
// takes a buffer from the heap for every row it sorts.
constexpr std::ptrdiff_t kInsertionSortedRow = 32;

// Sorts [first, last) by `less`, keeping equal entries in their order.
template <typename Iterator, typename Less>
void stable_sort_row(Iterator first, Iterator last, Less less) {
  if (last - first > kInsertionSortedRow) {
    std::stable_sort(first, last, less);
    return;
  }
  for (Iterator i = first + (first != last); i < last; ++i) {
    auto entry = *i;
    Iterator j = i;
    for (; j != first && less(entry, *(j - 1)); --j) *j = *(j - 1);
    *j = entry;
  }
}

// Rows sorted by (row, column); a repeated (row, column) keeps its last value.
// Entries are first placed by row in one counting pass that keeps their
// order (rows are numbered densely), then each row, short, is sorted by
// column: sorting all entries at once by both keys was most of the
// training set's build.
// `poll` is where a cancel may stop the build (it throws Cancelled).
template <typename Entries, typename Row, typename Column, typename Value, typename Poll>
SparseRows build_rows(Entries& entries, std::int32_t row_count, Row row, Column column, Value value, Poll poll) {
  using Entry = typename Entries::value_type;
  LargeArray<std::int64_t> start(static_cast<std::size_t>(row_count) + 1, 0);
  for (const Entry& e : entries) ++start[static_cast<std::size_t>(row(e)) + 1];
  for (std::size_t r = 0; r < static_cast<std::size_t>(row_count); ++r) start[r + 1] += start[r];
  LargeArray<Entry> by_row(entries.size());
  {
    LargeArray<std::int64_t> next(start.begin(), start.end() - 1);
    for (const Entry& e : entries) by_row[static_cast<std::size_t>(next[static_cast<std::size_t>(row(e))]++)] = e;
  }
  poll();
  SparseRows result;
  result.offset.assign(static_cast<std::size_t>(row_count) + 1, 0);
  result.index.reserve(by_row.size());
  result.value.reserve(by_row.size());
  for (std::size_t r = 0; r < static_cast<std::size_t>(row_count); ++r) {
    const auto first = by_row.begin() + start[r], last = by_row.begin() + start[r + 1];
    stable_sort_row(first, last, [&](const Entry& a, const Entry& b) { return column(a) < column(b); });
    for (auto e = first; e != last; ++e) {
      if (e + 1 != last && column(*(e + 1)) == column(*e)) continue;  // a later value of the same column follows
      result.index.push_back(column(*e));
      result.value.push_back(value(*e));
    }
    result.offset[r + 1] = result.nonzeros();
  }
  return result;
}

// Cuts the spare room of an array of rows read: one that grew by doubling
// (no size was expected, or the expectation was short) may hold room for
// twice its rows, and build_rows() copies the rows once more beside it.  The
// copy here is made before anything of the build is held, so the peak stays
// within what kBytesPerPlay and kBytesPerTagEntry count.
template <typename Entry>
void trim_spare_room(LargeArray<Entry>& entries) {
  if (entries.capacity() - entries.size() <= entries.size() / 8) return;
  LargeArray<Entry>(entries.begin(), entries.end()).swap(entries);
}

}  // namespace

void TrainingSet::finish(CancelCheck& cancel) {
  trim_spare_room(owned_);
  trim_spare_room(tagged_);
  // Games are numbered by ascending appid: from the number each appid was
  // given when first seen to its rank.
  const std::vector<std::int32_t>& seen = appid_numbers_.keys();
  appids_ = seen;
  std::sort(appids_.begin(), appids_.end());
  std::vector<std::int32_t> game_of(seen.size());
  for (std::size_t n = 0; n < seen.size(); ++n) game_of[n] = game_index(seen[n]);
  cancel.poll_now();

  // The game x tag half runs on a worker while this thread builds the
  // player x game half: the two share only game_of, which they read.  The
  // worker never polls the server; it stops when the job is stopped.
  BackgroundFor tag_half;
  tag_half.start(
      1, 1,
      [&](const Chunk&, int) {
        for (Tagged& t : tagged_) t.game = game_of[static_cast<std::size_t>(t.game)];
        tags_by_game_ = build_rows(
            tagged_, games(), [](const Tagged& t) { return t.game; }, [](const Tagged& t) { return t.tag; },
            [](const Tagged& t) { return static_cast<float>(t.position); }, [] { stop_point(); });
      },
      max_threads() - 1);

  for (Owned& o : owned_) o.game = game_of[static_cast<std::size_t>(o.game)];
  by_player_ = build_rows(
      owned_, static_cast<std::int32_t>(player_numbers_.keys().size()), [](const Owned& o) { return o.player; },
      [](const Owned& o) { return o.game; }, [](const Owned& o) { return o.engagement; }, [&] { cancel.poll_now(); });
  by_game_ = transpose(by_player_, games());
  tag_half.wait(cancel);

  build_catalog_keys();
  build_name_words();
  build_release_years();

  LargeArray<Owned>().swap(owned_);
  LargeArray<Tagged>().swap(tagged_);
  std::vector<CatalogFacts>().swap(catalog_);
  appid_numbers_ = AppidNumbers();
  player_numbers_ = PlayerNumbers();
}

TrainingSet TrainingSet::with_owned_rows(SparseRows by_player) const {
  // Field by field: a copy of the whole would copy the rows it replaces.
  TrainingSet copy;
  copy.tag_numbers_ = tag_numbers_;
  copy.catalog_bytes_added_ = catalog_bytes_added_;
  copy.tag_name_bytes_added_ = tag_name_bytes_added_;
  copy.appids_ = appids_;
  copy.by_player_ = std::move(by_player);
  copy.by_game_ = transpose(copy.by_player_, games());
  copy.tags_by_game_ = tags_by_game_;
  copy.catalog_by_game_ = catalog_by_game_;
  copy.name_words_by_game_ = name_words_by_game_;
  copy.release_years_by_game_ = release_years_by_game_;
  return copy;
}

namespace {

// A company form ("Inc.", "LLC", "Ltd."): catalogs write it after a comma,
// as part of the name before it.  Taken for a name of its own it would tie
// together a thousand studios that have nothing else in common.
bool company_form(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  for (std::string_view form : {"inc", "llc", "ltd", "co", "corp", "limited", "gmbh", "pty ltd", "s.a", "srl", "s.r.l"})
    if (name == form) return true;
  return false;
}

// A listed name trimmed, in lower case, each run of spaces or tabs one space.
std::string normal_name(std::string_view item) {
  std::string name;
  for (char c : item) {
    if (c == ' ' || c == '\t') {
      if (!name.empty() && name.back() != ' ') name.push_back(' ');
      continue;
    }
    name.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  if (!name.empty() && name.back() == ' ') name.pop_back();
  return name;
}

// Each name of a comma-separated list ("Valve, Hidden Path Entertainment"
// has two developers; "PopCap Games, Inc." one).
template <typename Add>
void each_listed_name(std::string_view list, Add add) {
  std::string held;  // the last name, while a company form may follow it
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::string name = normal_name(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (name.empty()) continue;
    if (!held.empty() && company_form(name)) {
      held.append(", ").append(name);
      continue;
    }
    if (!held.empty()) add(held);
    held = std::move(name);
  }
  if (!held.empty()) add(held);
}

}  // namespace

void TrainingSet::build_catalog_keys() {
  // Keys of each kind numbered apart: a developer and a publisher of the
  // same name are two keys.
  std::array<SeenNumbers<std::string, std::string_view>, 3> numbers;
  struct Key {
    std::int32_t game;
    std::int32_t key;
    CatalogKind kind;
  };
  std::vector<Key> keys;
  for (const CatalogFacts& facts : catalog_) {
    const std::int32_t game = game_index(facts.appid);
    if (game < 0) continue;
    auto add = [&](CatalogKind kind, const std::string& name) {
      const std::int32_t number = numbers[static_cast<std::size_t>(kind)].number(name);
      keys.push_back(Key{game, number, kind});
    };
    each_listed_name(facts.developers, [&](const std::string& n) { add(CatalogKind::developer, n); });
    each_listed_name(facts.publishers, [&](const std::string& n) { add(CatalogKind::publisher, n); });
    if (!facts.series.empty()) add(CatalogKind::series, facts.series);
  }
  // One column space: each kind's keys after the kinds before it.
  std::array<std::int32_t, 3> first{0, static_cast<std::int32_t>(numbers[0].keys().size()), 0};
  first[2] = first[1] + static_cast<std::int32_t>(numbers[1].keys().size());
  for (Key& k : keys) k.key += first[static_cast<std::size_t>(k.kind)];
  catalog_by_game_ = build_rows(
      keys, games(), [](const Key& k) { return k.game; }, [](const Key& k) { return k.key; },
      [](const Key& k) { return static_cast<float>(static_cast<int>(k.kind)); }, [] {});
}

std::vector<bool> lending_words(const std::vector<std::int64_t>& rows_with, std::int64_t rows) {
  constexpr double kLeastPairs = 1e7;
  const double budget = std::max(static_cast<double>(rows) * static_cast<double>(rows) / 8, kLeastPairs);
  std::vector<std::size_t> rarest_first(rows_with.size());
  std::iota(rarest_first.begin(), rarest_first.end(), std::size_t{0});
  std::sort(rarest_first.begin(), rarest_first.end(),
            [&](std::size_t a, std::size_t b) { return rows_with[a] < rows_with[b]; });
  std::vector<bool> lends(rows_with.size(), false);
  double pairs = 0;
  // Words equally common are kept or left out together, so the choice does
  // not depend on the order the names were read in.
  for (std::size_t i = 0; i < rarest_first.size();) {
    const std::int64_t with = rows_with[rarest_first[i]];
    std::size_t end = i;
    while (end < rarest_first.size() && rows_with[rarest_first[end]] == with) ++end;
    pairs += static_cast<double>(end - i) * static_cast<double>(with) * static_cast<double>(with);
    if (pairs > budget) break;
    for (; i < end; ++i) lends[rarest_first[i]] = true;
  }
  return lends;
}

void TrainingSet::build_name_words() {
  SeenNumbers<std::string, std::string_view> numbers;
  // Per word, the catalog rows whose name has it (its IDF), and those of
  // them that are games of this set (what lending by it costs: a catalog
  // row of a game nobody owns or tags costs nothing).
  std::vector<std::int64_t> rows_with, games_with;
  std::int64_t games_named = 0;
  for (const CatalogFacts& facts : catalog_) {
    const bool in_set = game_index(facts.appid) >= 0;
    games_named += in_set ? 1 : 0;
    for (const std::string& w : facts.words) {
      const auto number = static_cast<std::size_t>(numbers.number(w));
      if (number == rows_with.size()) {
        rows_with.push_back(0);
        games_with.push_back(0);
      }
      ++rows_with[number];
      games_with[number] += in_set ? 1 : 0;
    }
  }
  struct Word {
    std::int32_t game;
    std::int32_t word;
    float weight;
  };
  std::vector<Word> words;
  const auto rows = static_cast<double>(catalog_.size());
  const std::vector<bool> lends = lending_words(games_with, games_named);
  for (const CatalogFacts& facts : catalog_) {
    const std::int32_t game = game_index(facts.appid);
    if (game < 0 || facts.words.empty()) continue;
    const std::size_t first = words.size();
    double length = 0;
    for (const std::string& w : facts.words) {
      const std::int32_t number = numbers.number(w);
      const std::int64_t with = rows_with[static_cast<std::size_t>(number)];
      // A word in every name tells no game apart: its IDF is 0.
      const double idf = std::log(rows / static_cast<double>(with));
      if (idf <= 0 || !lends[static_cast<std::size_t>(number)]) continue;
      words.push_back(Word{game, number, static_cast<float>(idf)});
      length += idf * idf;
    }
    for (std::size_t i = first; i < words.size(); ++i) words[i].weight /= static_cast<float>(std::sqrt(length));
  }
  name_words_by_game_ = build_rows(
      words, games(), [](const Word& w) { return w.game; }, [](const Word& w) { return w.word; },
      [](const Word& w) { return w.weight; }, [] {});
}

void TrainingSet::build_release_years() {
  if (catalog_.empty()) return;
  release_years_by_game_.assign(static_cast<std::size_t>(games()), std::nan(""));
  for (const CatalogFacts& facts : catalog_) {
    const std::int32_t game = game_index(facts.appid);
    if (game >= 0 && facts.release_day)
      release_years_by_game_[static_cast<std::size_t>(game)] = *facts.release_day / 365.25;
  }
}

}  // namespace steam_rec::rec
