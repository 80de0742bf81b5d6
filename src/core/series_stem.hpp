// The series a game's name belongs to: "Half-Life 2: Episode One" and
// "Half-Life" are both of "half-life", "Dark Souls III" of "dark souls".
// A new game of a series a player owns is a strong guess before anyone owns
// it (docs/quality.md, "Catalog facts for new games").
#pragma once

#include <string>
#include <string_view>

namespace steam_rec::rec {

// The name in lower case, before its first colon, " - " or en/em dash, as
// words of ASCII letters, digits and ' & . + -, without trailing words that
// are numbers or roman numerals (II to XX) and joined by single spaces; ""
// when fewer than three characters are left.
std::string series_stem(std::string_view name);

// Whether a lower-case word is a number (digits only) or a roman numeral from
// ii to xx: what tells the games of a series apart.
bool number_or_numeral(std::string_view word);

}  // namespace steam_rec::rec
