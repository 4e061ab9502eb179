#include "auth/pat.h"

#include <gtest/gtest.h>

namespace oc::auth {
namespace {

TEST(Pat, GeneratedTokenIsPrefixAndSixtyFourHexCharacters) {
    const std::string token = GeneratePat();
    ASSERT_EQ(token.size(), kPatPrefix.size() + 64);
    EXPECT_EQ(token.substr(0, kPatPrefix.size()), kPatPrefix);
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef", kPatPrefix.size()), std::string::npos);
}

TEST(Pat, GeneratedTokensDiffer) { EXPECT_NE(GeneratePat(), GeneratePat()); }

TEST(Pat, HashIsLowerHexSha256) {
    EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(HashToken(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Pat, RedactKeepsAtMostFourCharacters) {
    EXPECT_EQ(RedactToken("ocpat_0123456789abcdef"), "…cdef");
    EXPECT_EQ(RedactToken("short"), "…");
}

}  // namespace
}  // namespace oc::auth
