#include "store/value_text.h"

#include <gtest/gtest.h>

#include <climits>

namespace oc::store {
namespace {

TEST(ValueText, Int128ExtremesAreExact) {
    __int128 min = static_cast<__int128>(static_cast<unsigned __int128>(1) << 127);
    EXPECT_EQ(Int128ToString(min), "-170141183460469231731687303715884105728");
    EXPECT_EQ(Int128ToString(0), "0");
    EXPECT_EQ(Uint128ToString(~static_cast<unsigned __int128>(0)), "340282366920938463463374607431768211455");
}

TEST(ValueText, ScaledKeepsExactlyScaleDigits) {
    EXPECT_EQ(FormatScaled(125, 2), "1.25");
    EXPECT_EQ(FormatScaled(-5, 2), "-0.05");
    EXPECT_EQ(FormatScaled(25000, 2), "250.00");
    EXPECT_EQ(FormatScaled(7, 0), "7");
    EXPECT_EQ(FormatScaled(0, 3), "0.000");
}

TEST(ValueText, EpochSecondsHaveNineDigits) {
    EXPECT_EQ(FormatEpochSeconds(1709633730250000, 1000000), "1709633730.250000000");
    EXPECT_EQ(FormatEpochSeconds(-500000, 1000000), "-0.500000000");
    EXPECT_EQ(FormatEpochSeconds(-1500, 1000), "-1.500000000");
    EXPECT_EQ(FormatEpochSeconds(1709633730123456789, 1000000000), "1709633730.123456789");
    EXPECT_EQ(FormatEpochSeconds(42, 1), "42.000000000");
    EXPECT_EQ(FormatEpochSeconds(INT64_MIN + 1, 1000000000), "-9223372036.854775807");
}

TEST(ValueText, DoublesAreShortestRoundTrip) {
    EXPECT_EQ(FormatDouble(0.1), "0.1");
    EXPECT_EQ(FormatDouble(3.0), "3");
    EXPECT_EQ(FormatDouble(-2.5e-7), "-2.5e-07");
    EXPECT_EQ(FormatFloat(0.1f), "0.1");
}

TEST(ValueText, IsoFormsFollowDuckDb) {
    EXPECT_EQ(FormatIsoDate(19787), "2024-03-05");
    EXPECT_EQ(FormatIsoDate(-1), "1969-12-31");
    EXPECT_EQ(FormatIsoDate(-719528), "0001-01-01 (BC)");  // proleptic year 0 is 1 BC
    EXPECT_EQ(FormatIsoTime(36930250000), "10:15:30.25");
    EXPECT_EQ(FormatIsoTimestamp(1709633730250000), "2024-03-05 10:15:30.25");
    EXPECT_EQ(FormatIsoTimestamp(-500000), "1969-12-31 23:59:59.5");
}

TEST(ValueText, HexAndUuid) {
    EXPECT_EQ(HexUpper(std::string("\x00\xAB\x7f", 3)), "00AB7F");
    EXPECT_EQ(FormatUuid(INT64_MIN, 1), "00000000-0000-0000-0000-000000000001");
}

TEST(ValueText, JsonStringEscapes) {
    std::string out;
    AppendJsonString(out, std::string("a\"b\\c\n\x01", 7));
    EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\"");
}

}  // namespace
}  // namespace oc::store
