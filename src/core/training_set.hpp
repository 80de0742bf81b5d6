// The data a recommender is trained on: who owns what (with engagement), the
// games of the catalog and their tags.  The glue adds rows in batches of plain
// data; finish() freezes them into the sparse matrices the trainers read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cancel.hpp"
#include "core/mapped_memory.hpp"
#include "core/seen_numbers.hpp"

namespace steam_rec::rec {

// Large arrays of a training: each of 2 MiB or more in a mapping of its own.
template <typename T>
using LargeArray = std::vector<T, MappedAllocator<T>>;

// Compressed sparse rows: row r holds columns index[offset[r] .. offset[r+1]).
struct SparseRows {
  LargeArray<std::int64_t> offset{0};
  LargeArray<std::int32_t> index;
  LargeArray<float> value;

  std::int32_t rows() const { return static_cast<std::int32_t>(offset.size()) - 1; }
  std::int64_t nonzeros() const { return static_cast<std::int64_t>(index.size()); }
};

// Real lists of studios and names are short; a longer one is read only
// this far, so the catalog's facts stay small beside the rows the training
// memory estimate counts.
constexpr std::size_t kCatalogFieldBytes = 1024;

// Which words of the catalog's names lend (TrainingSet::name_words_by_game()),
// given per word the names of the set's games that have it (`rows_with`)
// among `rows` such names: the
// rarest first, while the pairs of names that share a kept word, summed over
// the kept words (rows_with² each), stay within rows² / 8 or 10 million,
// whichever is more; words as common as the first left out are left out
// too.  Lending by a word costs its owned games times its new games, while
// a common word tells few games apart: "journey" in every name of a
// 40,000-game catalog made train() 4.3x slower, and 257 words each in a
// quarter of the names 7.3x.  The real catalog (33,492 names, "the" in
// 4,847) keeps every word, as does a catalog of 1,000 names that all share
// ten words.
std::vector<bool> lending_words(const std::vector<std::int64_t>& rows_with, std::int64_t rows);

// What a catalog key names (TrainingSet::catalog_by_game()'s values).
enum class CatalogKind { developer = 0, publisher = 1, series = 2 };

class TrainingSet {
 public:
  // engagement is 0..1; NaN means unknown and counts as 0.
  void add_owned(std::int64_t player, std::int32_t appid, float engagement);
  void add_game(std::int32_t appid);
  // position: 1 = the tag most players gave; <= 0 means unknown.  `tag` is
  // copied only when first seen: the glue hands over names it does not keep.
  void add_tag(std::int32_t appid, std::string_view tag, std::int32_t position);
  // A game's catalog facts (catalog_cache): its developers and publishers
  // (comma-separated names) and its name, whose series (series_stem()) and
  // words (name_words()) are kept.  Only games added otherwise count: this
  // adds no game, though every row counts in how rare a name's word is.
  // Each text is read up to its first kCatalogFieldBytes.  `release_day`:
  // days from 2000-01-01 to the release date, none when unknown (or unread).
  void add_catalog(std::int32_t appid, std::string_view developers, std::string_view publishers, std::string_view name,
                   std::optional<std::int32_t> release_day = std::nullopt);
  // What one catalog row costs a training at its peak, in bytes (an upper
  // estimate): its facts as held until finish(), and the keys, words, their
  // number tables and rows built from them.  A name of many short words
  // costs far more than its bytes: a 1 KiB one can hold 300 words.
  static double catalog_row_bytes(std::string_view developers, std::string_view publishers, std::string_view name);
  // The sum of catalog_row_bytes() over the rows add_catalog() took (what
  // the memory estimate counts for the catalog, DataSize::catalog_bytes).
  double catalog_bytes_added() const { return catalog_bytes_added_; }
  // What a tag name costs a training at its peak when first added (an upper
  // estimate): its string in the number table, whose vector doubles, the
  // table's slots, the trained model's copy and the copies made to store
  // it.  A row of a name already added costs only the row
  // (kBytesPerTagEntry).  game_tags may hold millions of distinct names of
  // 100 characters.
  static double tag_name_bytes(std::string_view name);
  // The sum of tag_name_bytes() over the distinct names add_tag() took
  // (DataSize::tag_name_bytes).
  double tag_name_bytes_added() const { return tag_name_bytes_added_; }
  // Whether add_tag() took a row of this name.
  bool has_tag_name(std::string_view name) const { return tag_numbers_.seen(name); }
  // Room for about this many add_owned() / add_tag() rows, from the tables'
  // size estimates: growing the row arrays as they are read copied them
  // several times.  Only a hint; any number of rows may follow.  Nothing is
  // reserved when the rows would take more than `most_bytes`: the estimate
  // may be stale, and the reservation comes before the memory check that
  // counts the rows as they are read.
  void expect_rows(std::int64_t owned, std::int64_t tagged, double most_bytes);
  // What the row arrays hold room for now, in bytes.
  std::size_t reserved_bytes() const { return owned_.capacity() * sizeof(Owned) + tagged_.capacity() * sizeof(Tagged); }

  // Before finish(): the rows added by add_owned() and add_tag() and the
  // distinct appids added so far (what the memory estimate counts while
  // train() reads).
  std::int64_t rows_added() const { return static_cast<std::int64_t>(owned_.size()); }
  std::int64_t tag_rows_added() const { return static_cast<std::int64_t>(tagged_.size()); }
  std::int64_t appids_added() const { return static_cast<std::int64_t>(appid_numbers_.keys().size()); }

  // Builds the matrices; games are numbered by ascending appid.
  void finish(CancelCheck& cancel);

  // After finish():
  const std::vector<std::int32_t>& appids() const { return appids_; }
  std::int32_t games() const { return static_cast<std::int32_t>(appids_.size()); }
  std::int32_t players() const { return by_player_.rows(); }
  std::int64_t interactions() const { return by_player_.nonzeros(); }
  // player x game, values = engagement (0..1)
  const SparseRows& by_player() const { return by_player_; }
  // game x player, the transpose
  const SparseRows& by_game() const { return by_game_; }
  // game x tag, values = tag position (0 when unknown)
  const SparseRows& tags_by_game() const { return tags_by_game_; }
  // game x catalog key (a developer, a publisher or a series, each kind
  // numbered apart), values = the key's CatalogKind; empty rows when no
  // catalog facts were added.
  const SparseRows& catalog_by_game() const { return catalog_by_game_; }
  // game x word of the catalog's names, values = the word's IDF (the log of
  // the catalog's rows over the rows whose name has it) over the length of
  // the game's vector of them, so a product of two rows is the cosine of
  // the two names; empty rows when no catalog facts were added.  Common
  // words are left out (lending_words()).
  const SparseRows& name_words_by_game() const { return name_words_by_game_; }
  // Per game, its release date in years from 2000-01-01; NaN when unknown.
  // Empty when no catalog facts were added.
  const std::vector<double>& release_years_by_game() const { return release_years_by_game_; }
  const std::vector<std::string>& tag_names() const { return tag_numbers_.keys(); }
  // The game number of an appid, or -1.
  std::int32_t game_index(std::int32_t appid) const;
  // After finish(): a finished copy with the same players, games, tags and
  // catalog whose owned rows are `by_player` (players x games; a split of
  // these rows, say).
  TrainingSet with_owned_rows(SparseRows by_player) const;

 private:
  // game: the appid's number in appid_numbers_ until finish(), then its game.
  struct Owned {
    std::int32_t player;
    std::int32_t game;
    float engagement;
  };
  struct Tagged {
    std::int32_t game;
    std::int32_t tag;
    std::int32_t position;
  };

  struct CatalogFacts {
    std::int32_t appid;
    std::string developers;
    std::string publishers;
    std::string series;
    std::vector<std::string> words;
    std::optional<std::int32_t> release_day;
  };

  PlayerNumbers player_numbers_;
  TagNumbers tag_numbers_;
  LargeArray<Owned> owned_;
  LargeArray<Tagged> tagged_;
  std::vector<CatalogFacts> catalog_;
  double catalog_bytes_added_ = 0;
  double tag_name_bytes_added_ = 0;
  AppidNumbers appid_numbers_;
  std::vector<std::int32_t> appids_;
  SparseRows by_player_, by_game_, tags_by_game_, catalog_by_game_, name_words_by_game_;
  std::vector<double> release_years_by_game_;

  static CatalogFacts catalog_facts(std::int32_t appid, std::string_view developers, std::string_view publishers,
                                    std::string_view name, std::optional<std::int32_t> release_day);
  static double catalog_facts_bytes(const CatalogFacts& facts);
  void build_catalog_keys();
  void build_name_words();
  void build_release_years();
};

// Transposes a sparse matrix with `columns` columns.
SparseRows transpose(const SparseRows& rows, std::int32_t columns);

}  // namespace steam_rec::rec
