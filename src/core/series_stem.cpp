#include "core/series_stem.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace steam_rec::rec {
namespace {

constexpr std::array<std::string_view, 19> kRomanNumerals = {"ii",  "iii",  "iv",    "v",   "vi",   "vii", "viii",
                                                             "ix",  "x",    "xi",    "xii", "xiii", "xiv", "xv",
                                                             "xvi", "xvii", "xviii", "xix", "xx"};

// Where the series part of a name ends: a subtitle follows.
std::size_t series_end(std::string_view name) {
  std::size_t end = name.size();
  for (std::string_view mark : {std::string_view(":"), std::string_view(" - "), std::string_view("\xE2\x80\x93"),
                                std::string_view("\xE2\x80\x94")})
    end = std::min(end, name.find(mark));
  return end;
}

bool word_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c == '&' || c == '.' || c == '+' || c == '-';
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool number_or_numeral(std::string_view word) {
  if (std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
  return std::find(kRomanNumerals.begin(), kRomanNumerals.end(), word) != kRomanNumerals.end();
}

std::string series_stem(std::string_view name) {
  const std::string_view series = name.substr(0, series_end(name));
  std::vector<std::string> words;
  std::string word;
  for (char c : series) {
    c = lower(c);
    if (word_character(c)) {
      word.push_back(c);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  while (!words.empty() && number_or_numeral(words.back())) words.pop_back();
  std::string stem;
  for (const std::string& w : words) {
    if (!stem.empty()) stem.push_back(' ');
    stem += w;
  }
  return stem.size() >= 3 ? stem : std::string();
}

}  // namespace steam_rec::rec
