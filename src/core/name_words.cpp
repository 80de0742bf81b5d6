#include "core/name_words.hpp"

#include <algorithm>

#include "core/series_stem.hpp"

namespace steam_rec::rec {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool word_character(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\''; }

}  // namespace

std::vector<std::string> name_words(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  auto keep = [&] {
    if (word.size() > 1 && !number_or_numeral(word) && std::find(words.begin(), words.end(), word) == words.end())
      words.push_back(word);
    word.clear();
  };
  for (char c : name) {
    c = lower(c);
    if (word_character(c))
      word.push_back(c);
    else
      keep();
  }
  keep();
  return words;
}

}  // namespace steam_rec::rec
