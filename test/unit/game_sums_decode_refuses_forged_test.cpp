// The decoders of the partial sums a worker receives (the totals) and the
// coordinator receives (the co-ownership parts) refuse bytes that no
// encoder wrote: a count whose byte size wraps around, counts the weighting
// cannot take, sums that are not finite.  A refusal is an InvalidArgument
// (a clear SQL error), never a read past the bytes or NaN weights.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "core/errors.hpp"
#include "core/game_sums.hpp"

using namespace steam_rec::rec;
using steam_rec::InvalidArgument;

namespace {

template <typename T>
void put(std::string& bytes, T value) {
  bytes.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// Totals of two players owning games 10 and 20.
OwnedTotals two_games() {
  OwnedTotals t;
  t.players = 2;
  t.interactions = 3;
  t.appids = {10, 20};
  t.owners = {2, 1};
  t.played = {1, 1};
  t.weight_sums = {1.5, 0.5};
  return t;
}

void expect_refused(const OwnedTotals& totals) {
  const std::string bytes = encode_totals(totals);
  EXPECT_THROW(decode_totals(bytes.data(), bytes.size()), InvalidArgument);
}

// A co-ownership part of one row: game `row` with (column, value) pairs.
std::string part_of(std::int32_t row, const std::vector<std::pair<std::int32_t, double>>& pairs,
                    const char* tag = "SRG1") {
  std::string bytes(tag, 4);
  put<std::int32_t>(bytes, 1);
  put<std::int32_t>(bytes, row);
  put<std::int32_t>(bytes, static_cast<std::int32_t>(pairs.size()));
  for (const auto& p : pairs) put<std::int32_t>(bytes, p.first);
  for (const auto& p : pairs) put<double>(bytes, p.second);
  return bytes;
}

TEST(GameSumsDecodeRefusesForged, TotalsRoundTrip) {
  const std::string bytes = encode_totals(two_games());
  const OwnedTotals back = decode_totals(bytes.data(), bytes.size());
  EXPECT_EQ(back.appids, two_games().appids);
  EXPECT_EQ(back.owners, two_games().owners);
}

// 2^62 games: 2^62 times 4 or 8 bytes wraps to 0 bytes, which a check of the
// byte size alone lets through to read 2^62 values past the end.
TEST(GameSumsDecodeRefusesForged, TotalsCountWhoseByteSizeWraps) {
  std::string bytes("SRT1", 4);
  put<std::int64_t>(bytes, 2);
  put<std::int64_t>(bytes, 3);
  put<std::int64_t>(bytes, std::int64_t{1} << 62);
  EXPECT_THROW(decode_totals(bytes.data(), bytes.size()), InvalidArgument);
}

TEST(GameSumsDecodeRefusesForged, TotalsCountLargerThanBytes) {
  std::string bytes = encode_totals(two_games());
  std::int64_t games = std::numeric_limits<std::int64_t>::max();
  std::memcpy(&bytes[4 + 16], &games, sizeof games);
  EXPECT_THROW(decode_totals(bytes.data(), bytes.size()), InvalidArgument);
}

TEST(GameSumsDecodeRefusesForged, TotalsNegativeOrImpossibleCounts) {
  OwnedTotals t = two_games();
  t.players = -1;
  expect_refused(t);
  t = two_games();
  t.interactions = -5;
  expect_refused(t);
  t = two_games();
  t.owners[1] = 0;
  expect_refused(t);
  t = two_games();
  t.owners[0] = 3;  // more owners than players
  expect_refused(t);
  t = two_games();
  t.played[0] = 3;  // more players than owners
  expect_refused(t);
  t = two_games();
  t.played[1] = -1;
  expect_refused(t);
}

TEST(GameSumsDecodeRefusesForged, TotalsWeightSumNotFinite) {
  OwnedTotals t = two_games();
  t.weight_sums[0] = std::numeric_limits<double>::quiet_NaN();
  expect_refused(t);
  t.weight_sums[0] = std::numeric_limits<double>::infinity();
  expect_refused(t);
}

TEST(GameSumsDecodeRefusesForged, PartAcceptsWhatAnEncoderWrites) {
  GameSums sums({10, 20});
  const std::string bytes = part_of(10, {{10, 4.0}, {20, 1.5}});
  sums.add_part(bytes.data(), bytes.size());
  EXPECT_EQ(sums.entries(), 2);
}

TEST(GameSumsDecodeRefusesForged, PartSumNotFinite) {
  GameSums sums({10, 20});
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity()}) {
    const std::string off_diagonal = part_of(10, {{10, 4.0}, {20, bad}});
    EXPECT_THROW(sums.add_part(off_diagonal.data(), off_diagonal.size()), InvalidArgument);
    const std::string diagonal = part_of(20, {{20, bad}});
    EXPECT_THROW(sums.add_part(diagonal.data(), diagonal.size()), InvalidArgument);
  }
}

TEST(GameSumsDecodeRefusesForged, PartNegativeDiagonal) {
  GameSums sums({10, 20});
  const std::string bytes = part_of(10, {{10, -1.0}});
  EXPECT_THROW(sums.add_part(bytes.data(), bytes.size()), InvalidArgument);
}

TEST(GameSumsDecodeRefusesForged, PartCountLargerThanBytes) {
  GameSums sums({10, 20});
  std::string bytes = part_of(10, {{10, 1.0}});
  const std::int32_t count = std::numeric_limits<std::int32_t>::max();
  std::memcpy(&bytes[4 + 4 + 4], &count, sizeof count);
  EXPECT_THROW(sums.add_part(bytes.data(), bytes.size()), InvalidArgument);
}

// EASE's section (SRE1) is an upper triangle as itemknn's: an entry below
// the diagonal, a negative diagonal or a sum that is not finite is refused.
TEST(GameSumsDecodeRefusesForged, EaseSectionRefusedAsAnUpperTriangle) {
  GameSums sums({10, 20});
  const std::string good = part_of(10, {{10, 4.0}, {20, -1.5}}, "SRE1");
  sums.add_part(good.data(), good.size());
  EXPECT_TRUE(sums.holds(SumKind::ease));
  EXPECT_FALSE(sums.holds(SumKind::itemknn));
  for (const std::string& bad :
       {part_of(20, {{10, 1.0}}, "SRE1"), part_of(10, {{10, -1.0}}, "SRE1"),
        part_of(10, {{20, std::numeric_limits<double>::quiet_NaN()}}, "SRE1"), part_of(30, {{30, 1.0}}, "SRE1")})
    EXPECT_THROW(sums.add_part(bad.data(), bad.size()), InvalidArgument);
}

// RP3beta's walk section (SRW1) holds every (game, game) entry, each a sum of
// step probabilities: below the diagonal is fine, a negative or non-finite
// sum is refused.
TEST(GameSumsDecodeRefusesForged, WalkSectionRefusesNegativeOrNonFiniteSums) {
  GameSums sums({10, 20});
  const std::string good = part_of(20, {{10, 0.25}, {20, 0.5}}, "SRW1");
  sums.add_part(good.data(), good.size());
  EXPECT_TRUE(sums.holds(SumKind::walk));
  for (double bad : {-0.5, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    const std::string bytes = part_of(20, {{10, bad}}, "SRW1");
    EXPECT_THROW(sums.add_part(bytes.data(), bytes.size()), InvalidArgument);
  }
  std::string wrapped = part_of(10, {{20, 1.0}}, "SRW1");
  const std::int32_t count = std::numeric_limits<std::int32_t>::max();
  std::memcpy(&wrapped[4 + 4 + 4], &count, sizeof count);
  EXPECT_THROW(sums.add_part(wrapped.data(), wrapped.size()), InvalidArgument);
}

// An answer is one or more sections back to back: empty bytes, a section of
// no known kind after a good one, or a good one cut short are refused.
TEST(GameSumsDecodeRefusesForged, SectionsOfNoKnownKindOrEmpty) {
  GameSums sums({10, 20});
  EXPECT_THROW(sums.add_part("", 0), InvalidArgument);
  const std::string two = part_of(10, {{10, 1.0}}) + part_of(10, {{20, 0.5}}, "SRW1");
  sums.add_part(two.data(), two.size());
  EXPECT_EQ(sums.entries(), 2);
  const std::string unknown = part_of(10, {{10, 1.0}}) + part_of(10, {{10, 1.0}}, "SRX1");
  EXPECT_THROW(sums.add_part(unknown.data(), unknown.size()), InvalidArgument);
  const std::string totals_tag = part_of(10, {{10, 1.0}}, "SRT1");
  EXPECT_THROW(sums.add_part(totals_tag.data(), totals_tag.size()), InvalidArgument);
  const std::string cut = part_of(10, {{10, 1.0}}) + std::string("SRW1", 4) + std::string(2, '\0');
  EXPECT_THROW(sums.add_part(cut.data(), cut.size()), InvalidArgument);
}

}  // namespace
