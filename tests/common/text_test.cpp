#include "common/text.h"

#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/ids.h"

namespace oc {
namespace {

TEST(LikeMatch, CaseInsensitiveWildcards) {
    EXPECT_TRUE(LikeMatch("sales%", "SALES_BOT"));
    EXPECT_TRUE(LikeMatch("%bot", "SALES_BOT"));
    EXPECT_TRUE(LikeMatch("s_les%", "SALES"));
    EXPECT_TRUE(LikeMatch("%", ""));
    EXPECT_TRUE(LikeMatch("a%b%c", "aXXbYYc"));
    EXPECT_FALSE(LikeMatch("sales", "SALES_BOT"));
    EXPECT_FALSE(LikeMatch("_", ""));
    EXPECT_FALSE(LikeMatch("a%b", "acd"));
}

TEST(PercentCoding, RoundTrip) {
    EXPECT_EQ(PercentDecode("%22My%20Db%22"), "\"My Db\"");
    EXPECT_EQ(PercentDecode("a+b"), "a+b");
    EXPECT_EQ(PercentDecode("a+b", true), "a b");
    EXPECT_EQ(PercentDecode("100%"), "100%");
    EXPECT_EQ(PercentEncode("a b\"c"), "a%20b%22c");
}

TEST(Hex, LowerCaseTwoPerByte) {
    EXPECT_EQ(HexLower(std::string("\x00\x0f\xa5\xff", 4)), "000fa5ff");
    EXPECT_EQ(HexLower(""), "");
}

TEST(QueryString, ParsesPairs) {
    auto q = ParseQueryString("like=sal%25&showLimit=10&x");
    EXPECT_EQ(q["like"], "sal%");
    EXPECT_EQ(q["showLimit"], "10");
    EXPECT_EQ(q.count("x"), 1u);
}

TEST(Clock, FormatsIsoMillis) {
    EXPECT_EQ(FormatIsoMillis(0), "1970-01-01T00:00:00.000+00:00");
    EXPECT_EQ(FormatIsoMillis(1748779200123), "2025-06-01T12:00:00.123+00:00");
}

TEST(Clock, FormatsHttpDate) {
    EXPECT_EQ(FormatHttpDate(1618346426999), "Tue, 13 Apr 2021 20:40:26 GMT");
    EXPECT_EQ(FormatHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(Ids, UuidShape) {
    std::string u = NewUuid();
    ASSERT_EQ(u.size(), 36u);
    EXPECT_EQ(u[8], '-');
    EXPECT_EQ(u[14], '4');
    EXPECT_NE(NewUuid(), u);
    EXPECT_EQ(RandomHex(16).size(), 32u);
}

}  // namespace
}  // namespace oc
