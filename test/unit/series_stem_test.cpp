// series_stem(): the part of a game's name its series shares.
#include <gtest/gtest.h>

#include "core/series_stem.hpp"

using steam_rec::rec::series_stem;

TEST(SeriesStem, DropsTheSubtitleAndTheNumber) {
  EXPECT_EQ(series_stem("Half-Life 2: Episode One"), "half-life");
  EXPECT_EQ(series_stem("Half-Life"), "half-life");
  EXPECT_EQ(series_stem("Far Cry 3 - Blood Dragon"), "far cry");
  EXPECT_EQ(series_stem("Portal 2"), "portal");
  EXPECT_EQ(series_stem("Left 4 Dead 2"), "left 4 dead");
}

TEST(SeriesStem, DropsTrailingRomanNumeralsOnly) {
  EXPECT_EQ(series_stem("Dark Souls III"), "dark souls");
  EXPECT_EQ(series_stem("Sid Meier's Civilization V"), "sid meier's civilization");
  EXPECT_EQ(series_stem("Call of Duty: Black Ops II"), "call of duty");
  // A numeral inside the name is part of it.
  EXPECT_EQ(series_stem("X3 Reunion"), "x3 reunion");
}

TEST(SeriesStem, DashesOfEveryKindEndTheSeries) {
  EXPECT_EQ(series_stem("Trine \xE2\x80\x93 Enchanted Edition"), "trine");
  EXPECT_EQ(series_stem("Trine \xE2\x80\x94 Enchanted Edition"), "trine");
  // A hyphen inside a word does not.
  EXPECT_EQ(series_stem("Counter-Strike: Source"), "counter-strike");
}

TEST(SeriesStem, TooShortOrEmptyIsNoSeries) {
  EXPECT_EQ(series_stem(""), "");
  EXPECT_EQ(series_stem("Go"), "");
  EXPECT_EQ(series_stem("2"), "");
  EXPECT_EQ(series_stem(": Subtitle only"), "");
  EXPECT_EQ(series_stem("\xE6\x9D\xB1\xE6\x96\xB9"), "");  // no ASCII word at all
}

TEST(SeriesStem, CaseAndSpacingDoNotMatter) {
  EXPECT_EQ(series_stem("  DOOM   3 "), "doom");
  EXPECT_EQ(series_stem("doom"), series_stem("DOOM II"));
}

TEST(SeriesStem, NumeralsUpToXxAreNumbers) {
  EXPECT_EQ(series_stem("FINAL FANTASY XIII"), series_stem("FINAL FANTASY XIV"));
  EXPECT_EQ(series_stem("FINAL FANTASY XIV"), "final fantasy");
}
