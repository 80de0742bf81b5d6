// The words of a game's name, as the catalog lends by them: "Warhammer
// 40,000: Dawn of War" and "Warhammer: Vermintide" share "warhammer", which
// their series stems ("warhammer 40,000", "warhammer") do not.  A new game
// whose name shares rare words with a player's games is a likely next game
// (docs/quality.md, "Words of the name").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace steam_rec::rec {

// The distinct words of the name, in the order first met: runs of ASCII
// letters, digits and ', in lower case; words of one character, numbers and
// roman numerals (II to XX) left out, as they say which game of a series it
// is, not what it is.
std::vector<std::string> name_words(std::string_view name);

}  // namespace steam_rec::rec
