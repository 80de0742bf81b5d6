#include "pg/ranking_io.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/guard.hpp"
#include "core/series_stem.hpp"
#include "pg/catalog_names.hpp"
#include "pg/core_object.hpp"
#include "pg/direct_read.hpp"
#include "pg/entry.hpp"
#include "pg/message_value.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
}

namespace steam_rec::pg {
namespace {

constexpr const char* kRanking = "recommend";  // names the operation in core failures

// Elements read between two looks at the interrupt flags.
constexpr int kInterruptEvery = 65536;

// The non-NULL elements of a text array as C strings; *elements is how many
// elements it had, NULLs included.  Walked by an iterator, polling as it
// goes: deconstruct_array() walks every element first without polling (a
// tenth of a second for 3 million tags).
char** text_elements(ArrayType* array, int* count, int* elements) {
  const int n = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
  auto** texts = static_cast<char**>(palloc(sizeof(char*) * (n > 0 ? n : 1)));
  *count = 0;
  *elements = n;
  ArrayIterator it = array_create_iterator(array, 0, nullptr);
  Datum value;
  bool is_null = false;
  for (int i = 0; array_iterate(it, &value, &is_null); ++i) {
    if (i % kInterruptEvery == 0) CHECK_FOR_INTERRUPTS();
    if (!is_null) texts[(*count)++] = TextDatumGetCString(value);
  }
  array_free_iterator(it);
  return texts;
}

// Copies tag names into the request, polling for cancel: a PUBLIC caller may
// pass millions of them.
void copy_names(char** names, int count, std::vector<std::string>& into, CancelCheck& cancel) {
  into.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    cancel.poll();
    into.emplace_back(names[i]);
  }
}

// Game names by appid: appids sorted and distinct, names[i] that of appids[i]
// (nullptr when the catalog has none), so a lookup is a binary search.
struct Names {
  int count;
  int32* appids;
  char** names;

  int position(int32 appid) const {
    const int32* found = std::lower_bound(appids, appids + count, appid);
    return found != appids + count && *found == appid ? static_cast<int>(found - appids) : -1;
  }
  const char* of(int32 appid) const {
    const int i = position(appid);
    return i < 0 ? nullptr : names[i];
  }
};

Names look_up_names(const Ranking* ranking) {
  int wanted = 0;
  auto* appids = static_cast<int32*>(palloc(sizeof(int32) * (ranking->results.size() * 4 + 1)));
  for (const rec::Recommendation& r : ranking->results) {
    appids[wanted++] = r.appid;
    for (int b = 0; b < r.because_count; ++b) appids[wanted++] = r.because[b];
  }
  std::sort(appids, appids + wanted);
  wanted = static_cast<int>(std::unique(appids, appids + wanted) - appids);
  Names names{wanted, appids, static_cast<char**>(palloc(sizeof(char*) * (wanted + 1)))};
  Oid catalog = directly_readable("catalog_cache");
  if (OidIsValid(catalog)) {
    catalog_names(catalog, appids, wanted, names.names);
    return names;
  }
  // Through SQL, which applies column privileges and row-level security.
  static SPIPlanPtr plan = nullptr;
  Oid types[1] = {INT4ARRAYOID};
  Datum values[1] = {int4_array(appids, wanted)};
  uint64 rows = run_saved(saved_plan(&plan,
                                     "SELECT appid, name FROM steam_rec.catalog_cache"
                                     " WHERE appid OPERATOR(pg_catalog.=) ANY ($1)",
                                     1, types),
                          values);
  for (int i = 0; i < wanted; ++i) names.names[i] = nullptr;
  for (uint64 r = 0; r < rows; ++r) {
    bool is_null = true;
    const int32 appid = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &is_null));
    const int i = names.position(appid);
    if (i >= 0) names.names[i] = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2);
  }
  return names;
}

// Says which requested tags no game has (argument `what`).  The names live
// in the Ranking, which its memory context owns, so nothing C++ is on the
// stack if reporting fails.
void notice_unknown_tags(const char* what, const std::vector<std::string>& names, bool only_nulls) {
  if (only_nulls) {
    ereport(NOTICE,
            (errmsg("%s holds only NULLs, so no game matches it", what),
             errhint("NULL elements of a tag list are ignored; pass NULL instead of the array for no filter.")));
    return;
  }
  if (names.empty()) return;
  StringInfoData list;
  initStringInfo(&list);
  constexpr std::size_t kListed = 20;  // a notice stays readable however many names were passed
  for (std::size_t i = 0; i < names.size() && i < kListed; ++i) {
    if (i > 0) appendStringInfoString(&list, ", ");
    appendStringInfoString(&list, quote_literal_cstr(value_for_message(names[i].c_str())));
  }
  if (names.size() > kListed) appendStringInfo(&list, " and %zu more", names.size() - kListed);
  ereport(NOTICE,
          (errmsg("%s: no game has the tag%s %s", what, names.size() > 1 ? "s" : "", list.data),
           errhint("Tags match ignoring the case of ASCII letters; the names are those of steam_rec.game_tags.")));
}

// A game's catalog name, or "game <appid>" for one the catalog lacks or
// names with an empty string.
void append_name(StringInfo text, const Names& names, int32 appid) {
  const char* name = names.of(appid);
  if (name != nullptr && name[0] != '\0')
    appendStringInfoString(text, name);
  else
    appendStringInfo(text, "game %d", appid);
}

// The game among a new game's `because` games whose name is of its series
// (series_stem()), or 0: the catalog led to it (series_weight), and that
// game names the reason better than its tags do.
int32 series_mate(const rec::Recommendation& r, const Names& names) {
  const char* name = names.of(r.appid);
  int32 mate = 0;
  if (name == nullptr) return mate;
  check(guard([&] {
          const std::string series = rec::series_stem(name);
          for (int b = 0; b < r.because_count && mate == 0 && !series.empty(); ++b) {
            const char* other = names.of(r.because[b]);
            if (other != nullptr && rec::series_stem(other) == series) mate = r.because[b];
          }
        }),
        "recommend");
  return mate;
}

// The game a new game's reason names as of its series, or 0.  A new game
// none of the player's games is tagged like (rec::Recommendation::lent) is
// explained by its series alone: the weights lent by studios or name words
// would name games that are not like it.
int32 reason_series_mate(const rec::Recommendation& r, const Names& names) {
  return r.new_game && (r.basis == rec::Basis::played || r.lent) ? series_mate(r, names) : 0;
}

// "Because you played A", "... A and B", "... A, B and C".
char* reason(const rec::Recommendation& r, const Names& names, ReasonStyle style) {
  StringInfoData text;
  initStringInfo(&text);
  const int32 mate = reason_series_mate(r, names);
  if (r.lent && mate != 0) {
    appendStringInfoString(&text,
                           style == ReasonStyle::player ? "New in a series you played: " : "New in the series of ");
    append_name(&text, names, mate);
    return text.data;
  }
  switch (r.basis) {
    case rec::Basis::played:
      if (mate != 0) {
        appendStringInfoString(&text,
                               style == ReasonStyle::player ? "New in a series you played: " : "New in the series of ");
        append_name(&text, names, mate);
        break;
      }
      if (r.new_game)
        appendStringInfoString(&text, "New game, tagged like ");
      else
        appendStringInfoString(&text, style == ReasonStyle::player ? "Because you played " : "Similar to ");
      for (int b = 0; b < r.because_count; ++b) {
        if (b > 0) appendStringInfoString(&text, b == r.because_count - 1 ? " and " : ", ");
        append_name(&text, names, r.because[b]);
      }
      break;
    // A new game had no owner at training: it is never called popular,
    // though it is listed when none of the player's games is tagged like it
    // (a tag filter leaves only such games, or k reaches past the alike).
    case rec::Basis::liked_tag:
      if (r.new_game)
        appendStringInfo(&text, "New game, tagged %s", r.tag.c_str());
      else
        appendStringInfo(&text, "Popular with players who like %s", r.tag.c_str());
      break;
    case rec::Basis::popular:
      appendStringInfoString(&text, r.new_game ? "New on Steam" : "Popular on Steam");
      break;
  }
  return text.data;
}

}  // namespace

Ranking* new_ranking() {
  MemoryContext work = AllocSetContextCreate(CurrentMemoryContext, "steam_rec ranking", ALLOCSET_SMALL_SIZES);
  Ranking* ranking = new_in_context<Ranking>(work);
  ranking->context = work;
  return ranking;
}

void delete_ranking(Ranking* ranking) { MemoryContextDelete(ranking->context); }

void check_k(int32 k) {
  if (k < 1 || k > kMaxK)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("k must be between 1 and %d, not %d", kMaxK, k),
                    errhint("k is how many games to return.")));
}

Ranking* begin_ranking(FunctionCallInfo fcinfo, const Arguments& arguments) {
  arguments.require("k");
  arguments.require("exclude_owned");
  arguments.require("diversity");
  const int32 k = arguments.get<int32>("k");
  check_k(k);
  const float diversity = arguments.get<float4>("diversity");
  if (std::isnan(diversity) || diversity < 0 || diversity > 1)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("diversity must be between 0 and 1, not %g", static_cast<double>(diversity)),
                    errhint("0 ranks by relevance alone; 1 favours games unlike those already listed.")));
  int include_count = 0, exclude_count = 0, appid_count = 0, include_elements = 0, exclude_elements = 0;
  char** include = arguments.is_null("include_tags")
                       ? nullptr
                       : text_elements(arguments.get<ArrayType*>("include_tags"), &include_count, &include_elements);
  char** exclude = arguments.is_null("exclude_tags")
                       ? nullptr
                       : text_elements(arguments.get<ArrayType*>("exclude_tags"), &exclude_count, &exclude_elements);
  int32* appids = arguments.is_null("exclude_appids")
                      ? nullptr
                      : int4_elements(arguments.get<ArrayType*>("exclude_appids"), "exclude_appids", &appid_count);
  const bool exclude_owned = arguments.get<bool>("exclude_owned");

  InitMaterializedSRF(fcinfo, 0);
  Ranking* ranking = new_ranking();
  // An include list of NULLs alone names no tag: it restricts to nothing.
  ranking->include_only_nulls = include_elements > 0 && include_count == 0;
  CancelCheck cancel = server_cancel_check();
  check(guard([&] {
          rec::RankRequest& request = ranking->request;
          request.k = k;
          request.exclude_owned = exclude_owned;
          request.diversity = diversity;
          request.new_game_slots = new_game_slots;
          request.new_games_by_tags = true;
          copy_names(include, include_count, request.include_tags, cancel);
          copy_names(exclude, exclude_count, request.exclude_tags, cancel);
          // Appended with polls, not assigned: the first touch of a fresh
          // 120 MB (30 million appids) took 0.5 s without one.
          request.exclude_appids.reserve(static_cast<std::size_t>(appid_count));
          for (int i = 0; i < appid_count; ++i) {
            cancel.poll(kInterruptEvery);
            request.exclude_appids.push_back(appids[i]);
          }
        }),
        kRanking);
  return ranking;
}

Ranking* begin_similar(FunctionCallInfo fcinfo, const Arguments& arguments) {
  arguments.require("k");
  const int32 k = arguments.get<int32>("k");
  check_k(k);
  InitMaterializedSRF(fcinfo, 0);
  Ranking* ranking = new_ranking();
  ranking->request.k = k;
  ranking->request.rerank = false;
  return ranking;
}

namespace {

template <typename EngagementOf>
void add_each_game(Ranking* ranking, const int32* appids, int count, EngagementOf engagement_of) {
  CancelCheck cancel = server_cancel_check();
  check(guard([&] {
          // One allocation for the player's games, not one per doubling.
          ranking->request.games.reserve(ranking->request.games.size() + static_cast<std::size_t>(count));
          for (int i = 0; i < count; ++i) {
            cancel.poll(kInterruptEvery);
            ranking->request.games.push_back(rec::PlayerGame{appids[i], engagement_of(i)});
          }
        }),
        kRanking);
}

}  // namespace

void add_games(Ranking* ranking, const int32* appids, const float* engagement, int count) {
  add_each_game(ranking, appids, count, [engagement](int i) { return engagement[i]; });
}

void add_games(Ranking* ranking, const int32* appids, float engagement, int count) {
  add_each_game(ranking, appids, count, [engagement](int) { return engagement; });
}

// Read from the array's data and NULL bitmap directly, polling as it goes:
// deconstruct_array() walks every element first without polling (0.7 s for
// 30 million appids, which any caller may pass).
int32* int4_elements(ArrayType* array, const char* name, int* count) {
  if (ARR_ELEMTYPE(array) != INT4OID) elog(ERROR, "steam_rec: %s must be an integer array", name);
  const int n = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
  const auto* stored = reinterpret_cast<const int32*>(ARR_DATA_PTR(array));  // NULLs take no place
  const bits8* nulls = ARR_NULLBITMAP(array);
  auto* elements = static_cast<int32*>(palloc(sizeof(int32) * (n > 0 ? n : 1)));
  *count = 0;
  for (int i = 0; i < n; ++i) {
    if (i % kInterruptEvery == 0) CHECK_FOR_INTERRUPTS();
    if (nulls != nullptr && (nulls[i / 8] & (1 << (i % 8))) == 0) continue;
    elements[(*count)++] = *stored++;
  }
  return elements;
}

void rank(Ranking* ranking, const ActiveModel& model) {
  if (ranking->include_only_nulls) {
    ranking->results.clear();
    return;
  }
  CancelCheck cancel = server_cancel_check();
  check(guard([&] {
          ranking->results = model.recommender->rank(ranking->request, cancel);
          ranking->unknown_include_tags = model.recommender->unknown_tags(ranking->request.include_tags, cancel);
          ranking->unknown_exclude_tags = model.recommender->unknown_tags(ranking->request.exclude_tags, cancel);
        }),
        kRanking);
}

void rank_and_return(FunctionCallInfo fcinfo, Ranking* ranking, const ActiveModel& model, ReasonStyle style) {
  rank(ranking, model);
  notice_unknown_tags("include_tags", ranking->unknown_include_tags, ranking->include_only_nulls);
  notice_unknown_tags("exclude_tags", ranking->unknown_exclude_tags, false);
  Names names = look_up_names(ranking);
  auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  const std::size_t rows = ranking->results.size();
  for (std::size_t i = 0; i < rows; ++i) {
    const rec::Recommendation& r = ranking->results[i];
    Datum values[6];
    bool nulls[6] = {false, false, false, false, false, false};
    const char* name = names.of(r.appid);
    values[0] = Int32GetDatum(static_cast<int32>(i + 1));
    values[1] = Int32GetDatum(r.appid);
    values[2] = name != nullptr ? CStringGetTextDatum(name) : (Datum)0;
    nulls[2] = name == nullptr;
    values[3] = Float4GetDatum(r.score);
    if (style != ReasonStyle::similar) {
      // The games lent weights came from are shown only as the series named.
      const int32 mate = r.lent ? reason_series_mate(r, names) : 0;
      values[4] = r.lent ? int4_array(&mate, mate != 0 ? 1 : 0) : int4_array(r.because, r.because_count);
      values[5] = CStringGetTextDatum(reason(r, names, style));
    }
    tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
  }
  delete_ranking(ranking);
}

}  // namespace steam_rec::pg
