#include "auth/jwt.h"

#include <gtest/gtest.h>

#include "test_keys.h"

namespace oc::auth {
namespace {

// Generated with `openssl genrsa 2048 | openssl rsa -pubout`; the fingerprint is what Snowflake's
// documented command prints: openssl rsa -pubin -outform DER | openssl dgst -sha256 -binary |
// openssl enc -base64.
constexpr const char* kFixedPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA5qZ0xtb0EVK4df+yKsZc\n"
    "3uSMcPZoKmdA+niaEygBBC2PIx27je4uEWPO6RTQCygRNj1DJyXwEYO8fhwbN/VK\n"
    "/UASra4ldFMDa12NqVpYgFv/2LJacce3p0wOZp0mAc0PNYvJUIqnZtdtGuEcpUxw\n"
    "NLDekh0g2TuO8f1D6PytrDfabsBmRuAl2dsdk3pTlcYSndBTjg2vLbFL1YJF97O6\n"
    "rVaHQ5BhXZMVNQVP8kZYpgOSBfaTrLpFsaRQKTeqM6VIBhRU3MwRx1WO9b+whpKN\n"
    "hgDel7kcg4AcXB/j3uxtmMEWTiS8tOOwVGMM0pkL9/MrkJ0eYxa0V/1yIdmssMmr\n"
    "5QIDAQAB\n"
    "-----END PUBLIC KEY-----\n";
constexpr const char* kFixedFingerprint = "SHA256:qq3WKIv0qDgpo4HOjSUwYmQLh9d+mmv21EybRs9x6v4=";

constexpr const char* k1024BitPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC+G3Ca8TrFs9d+WyW9BX1FcYfw\n"
    "alURndy5BtpyKTMeupAt9RxF1Y+tLhmaOkWIofy5WcDSZndsBVH1i6ZW4ymxdZLd\n"
    "ELluWNkxlpzHcha7hOw1WEKmzV/OJMHlAzEauzsFl5I4zttPHZ7+tNU7KiKgQUx7\n"
    "xB/gdVxPa6fi4PWW4QIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

TEST(Jwt, FingerprintMatchesSnowflakeOpensslRecipe) {
    auto fp = PublicKeyFingerprint(kFixedPem);
    ASSERT_TRUE(fp) << fp.error().message;
    EXPECT_EQ(*fp, kFixedFingerprint);
}

TEST(Jwt, FingerprintAcceptsBareBase64Body) {
    std::string body(kFixedPem);
    body = body.substr(body.find('\n') + 1);
    body = body.substr(0, body.find("-----END"));
    auto fp = PublicKeyFingerprint(body);
    ASSERT_TRUE(fp) << fp.error().message;
    EXPECT_EQ(*fp, kFixedFingerprint);
}

TEST(Jwt, RejectsShortRsaKey) {
    auto fp = PublicKeyFingerprint(k1024BitPem);
    ASSERT_FALSE(fp);
    EXPECT_EQ(fp.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(fp.error().message.find("at least 2048 bits, got 1024"), std::string::npos);
}

TEST(Jwt, RejectsTextThatIsNotAKey) {
    auto fp = PublicKeyFingerprint("not a key");
    ASSERT_FALSE(fp);
    EXPECT_EQ(fp.error().code, ErrorCode::kInvalidArgument);
}

TEST(Jwt, RejectsPrivateKeyWithAHint) {
    auto fp =
        PublicKeyFingerprint("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n");
    ASSERT_FALSE(fp);
    EXPECT_EQ(fp.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(fp.error().message.find("-pubout"), std::string::npos);
}

TEST(Jwt, Base64UrlRoundTrip) {
    const char* cases[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\xfd"};
    for (const char* c : cases) {
        std::string encoded = Base64UrlEncode(c);
        EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos) << c;
        auto decoded = Base64UrlDecode(encoded);
        ASSERT_TRUE(decoded) << c;
        EXPECT_EQ(*decoded, c);
    }
    EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
    EXPECT_EQ(Base64UrlDecode("Zm9vYg=="), "foob");
    EXPECT_FALSE(Base64UrlDecode("Zm9v+g"));
    EXPECT_FALSE(Base64UrlDecode("Z"));
}

TEST(Jwt, ParseRejectsMalformedTokens) {
    const std::string header = Base64UrlEncode(R"({"alg":"RS256"})");
    const std::string payload = Base64UrlEncode(R"({"iss":"A.B.SHA256:x"})");
    const std::string cases[] = {
        "",
        "abc",
        header + "." + payload,
        header + "." + payload + ".",
        header + "." + payload + ".c2ln.extra",
        Base64UrlEncode("[1]") + "." + payload + ".c2ln",
        header + "." + Base64UrlEncode("not json") + ".c2ln",
        header + "." + payload + ".c2l*",
        header + "." + Base64UrlEncode(R"({"iat":"now"})") + ".c2ln",
    };
    for (const std::string& token : cases) {
        auto jwt = ParseJwt(token);
        ASSERT_FALSE(jwt) << token;
        EXPECT_EQ(jwt.error().code, ErrorCode::kUnauthenticated) << token;
        EXPECT_EQ(jwt.error().wire_code, kWireBadJwt) << token;
        EXPECT_EQ(jwt.error().http_status, 401) << token;
    }
}

TEST(Jwt, TimesInSecondsOrMilliseconds) {
    const std::string token = Base64UrlEncode(R"({"alg":"RS256"})") + "." +
                              Base64UrlEncode(R"({"iat":1700000000,"exp":1700000060000})") +
                              ".c2ln";
    auto jwt = ParseJwt(token);
    ASSERT_TRUE(jwt) << jwt.error().message;
    EXPECT_EQ(jwt->iat_ms, 1700000000000);
    EXPECT_EQ(jwt->exp_ms, 1700000060000);
    EXPECT_EQ(jwt->signature, "sig");
}

TEST(Jwt, AccountIsComparedUpperCased) {
    ParsedJwt jwt;
    jwt.iss = "opencortex.alice.SHA256:abc=";
    jwt.sub = "OPENCORTEX.ALICE";
    JwtOptions options;
    options.account = "OpenCortex";
    auto user = KeypairJwtUser(jwt, options);
    ASSERT_TRUE(user) << user.error().message;
    EXPECT_EQ(*user, "ALICE");

    options.account = "OTHER";
    user = KeypairJwtUser(jwt, options);
    ASSERT_FALSE(user);
    EXPECT_EQ(user.error().wire_code, kWireBadJwt);
}

TEST(Jwt, VerifyRejectsAlgOtherThanRs256) {
    auto key = RsaPublicKey::FromPem(kFixedPem);
    ASSERT_TRUE(key);
    ParsedJwt jwt;
    jwt.alg = "none";
    jwt.iss = std::string("OPENCORTEX.ALICE.") + kFixedFingerprint;
    jwt.sub = "OPENCORTEX.ALICE";
    jwt.iat_ms = 1000;
    jwt.exp_ms = 2000;
    Status st = VerifyKeypairJwt(jwt, **key, JwtOptions{}, 1500);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().message, "JWT token is invalid: alg must be RS256, got 'none'");
}

TEST(Jwt, SignatureByTheKeyVerifies) {
    auto pair = test_support::GenerateRsaKey();
    ASSERT_TRUE(pair);
    auto key = RsaPublicKey::FromPem(pair->public_pem);
    ASSERT_TRUE(key) << key.error().message;
    const std::string token =
        test_support::SignJwt(*pair, Json{{"alg", "RS256"}, {"typ", "JWT"}},
                              Json{{"iss", "OPENCORTEX.ALICE." + (*key)->fingerprint()},
                                   {"sub", "OPENCORTEX.ALICE"},
                                   {"iat", 1000},
                                   {"exp", 1060}});
    auto jwt = ParseJwt(token);
    ASSERT_TRUE(jwt) << jwt.error().message;
    EXPECT_TRUE(IsKeypairJwt(*jwt));
    EXPECT_TRUE(VerifyKeypairJwt(*jwt, **key, JwtOptions{}, 1'010'000));
    jwt->signing_input.back() ^= 1;
    EXPECT_FALSE(VerifyKeypairJwt(*jwt, **key, JwtOptions{}, 1'010'000));
}

}  // namespace
}  // namespace oc::auth
