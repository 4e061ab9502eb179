#include <gtest/gtest.h>

#include "auth/authenticator.h"
#include "store/system_store.h"
#include "test_keys.h"

namespace oc::auth {
namespace {

constexpr int64_t kNowSeconds = 1'750'000'000;

class AuthenticatorJwtTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        alice_key_ = test_support::GenerateRsaKey().release();
        other_key_ = test_support::GenerateRsaKey().release();
    }
    static void TearDownTestSuite() {
        delete alice_key_;
        delete other_key_;
    }

    void SetUp() override {
        ASSERT_TRUE(alice_key_ && other_key_);
        auto store = store::SystemStore::Open({dir_.path()});
        ASSERT_TRUE(store) << store.error().message;
        store_ = std::move(*store);
        AuthOptions options;
        options.clock = [] { return kNowSeconds * 1000; };
        auto auth = Authenticator::Open(*store_, options);
        ASSERT_TRUE(auth) << auth.error().message;
        auth_ = std::move(*auth);
        auto alice = auth_->CreateUser("alice", "analyst", alice_key_->public_pem);
        ASSERT_TRUE(alice) << alice.error().message;
        alice_fp_ = *alice->public_key_fp;
        auto other_fp = PublicKeyFingerprint(other_key_->public_pem);
        ASSERT_TRUE(other_fp);
        other_fp_ = *other_fp;
    }

    Json Claims(const std::string& fp, int64_t iat, int64_t exp) const {
        return Json{{"iss", "OPENCORTEX.ALICE." + fp},
                    {"sub", "OPENCORTEX.ALICE"},
                    {"iat", iat},
                    {"exp", exp}};
    }
    std::string Sign(const test_support::KeyPair& key, const Json& claims,
                     const char* alg = "RS256") const {
        return test_support::SignJwt(key, Json{{"alg", alg}, {"typ", "JWT"}}, claims);
    }
    std::string ValidToken() const {
        return Sign(*alice_key_, Claims(alice_fp_, kNowSeconds, kNowSeconds + 3600));
    }

    static void ExpectBadJwt(const Result<Principal>& r, const std::string& reason) {
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
        EXPECT_EQ(r.error().wire_code, "390144");
        EXPECT_EQ(r.error().http_status, 401);
        EXPECT_EQ(r.error().message, "JWT token is invalid: " + reason);
    }

    static test_support::KeyPair* alice_key_;
    static test_support::KeyPair* other_key_;
    test_support::TempDir dir_;
    std::unique_ptr<store::SystemStore> store_;
    std::unique_ptr<Authenticator> auth_;
    std::string alice_fp_;
    std::string other_fp_;
};

test_support::KeyPair* AuthenticatorJwtTest::alice_key_ = nullptr;
test_support::KeyPair* AuthenticatorJwtTest::other_key_ = nullptr;

TEST_F(AuthenticatorJwtTest, SignedJwtAuthenticatesAsTheUser) {
    auto principal = auth_->Authenticate("Bearer " + ValidToken(), "KEYPAIR_JWT");
    ASSERT_TRUE(principal) << principal.error().message;
    EXPECT_EQ(principal->user, "ALICE");
    EXPECT_EQ(principal->role, "ANALYST");
    EXPECT_EQ(principal->token_id, "jwt:ALICE");
}

TEST_F(AuthenticatorJwtTest, JwtIsSniffedWithoutTypeHeader) {
    auto principal = auth_->Authenticate("Bearer " + ValidToken(), "");
    ASSERT_TRUE(principal) << principal.error().message;
    EXPECT_EQ(principal->user, "ALICE");
}

TEST_F(AuthenticatorJwtTest, MillisecondTimesAndLowerCaseNamesAreAccepted) {
    Json claims{{"iss", "opencortex.alice." + alice_fp_},
                {"sub", "opencortex.alice"},
                {"iat", kNowSeconds * 1000},
                {"exp", (kNowSeconds + 60) * 1000}};
    auto principal = auth_->Authenticate("Bearer " + Sign(*alice_key_, claims), "keypair_jwt");
    ASSERT_TRUE(principal) << principal.error().message;
    EXPECT_EQ(principal->user, "ALICE");
}

TEST_F(AuthenticatorJwtTest, ForgedSignatureIs390144) {
    const std::string forged = Sign(*other_key_, Claims(alice_fp_, kNowSeconds, kNowSeconds + 60));
    ExpectBadJwt(auth_->Authenticate("Bearer " + forged, "KEYPAIR_JWT"), "bad signature");
    ExpectBadJwt(auth_->Authenticate("Bearer " + forged, ""), "bad signature");
}

TEST_F(AuthenticatorJwtTest, WrongFingerprintIs390144) {
    const std::string token = Sign(*alice_key_, Claims(other_fp_, kNowSeconds, kNowSeconds + 60));
    ExpectBadJwt(auth_->Authenticate("Bearer " + token, "KEYPAIR_JWT"),
                 "public key fingerprint does not match the user's key");
}

TEST_F(AuthenticatorJwtTest, ExpInThePastIs390144) {
    const std::string token =
        Sign(*alice_key_, Claims(alice_fp_, kNowSeconds - 600, kNowSeconds - 120));
    ExpectBadJwt(auth_->Authenticate("Bearer " + token, "KEYPAIR_JWT"), "token has expired");
}

TEST_F(AuthenticatorJwtTest, ExpWithinClockSkewIsAccepted) {
    const std::string token =
        Sign(*alice_key_, Claims(alice_fp_, kNowSeconds - 600, kNowSeconds - 30));
    EXPECT_TRUE(auth_->Authenticate("Bearer " + token, "KEYPAIR_JWT"));
}

TEST_F(AuthenticatorJwtTest, LifetimeOverAnHourIs390144) {
    const std::string token = Sign(*alice_key_, Claims(alice_fp_, kNowSeconds, kNowSeconds + 3601));
    ExpectBadJwt(auth_->Authenticate("Bearer " + token, "KEYPAIR_JWT"),
                 "exp - iat must be at most 3600 seconds");
}

TEST_F(AuthenticatorJwtTest, IatInTheFutureIs390144) {
    const std::string token =
        Sign(*alice_key_, Claims(alice_fp_, kNowSeconds + 300, kNowSeconds + 600));
    ExpectBadJwt(auth_->Authenticate("Bearer " + token, "KEYPAIR_JWT"), "iat is in the future");
}

TEST_F(AuthenticatorJwtTest, WrongSubIs390144) {
    Json claims = Claims(alice_fp_, kNowSeconds, kNowSeconds + 60);
    claims["sub"] = "OPENCORTEX.BOB";
    ExpectBadJwt(auth_->Authenticate("Bearer " + Sign(*alice_key_, claims), "KEYPAIR_JWT"),
                 "sub 'OPENCORTEX.BOB' does not match iss");
}

TEST_F(AuthenticatorJwtTest, WrongAccountIs390144) {
    Json claims{{"iss", "OTHERACCT.ALICE." + alice_fp_},
                {"sub", "OTHERACCT.ALICE"},
                {"iat", kNowSeconds},
                {"exp", kNowSeconds + 60}};
    ExpectBadJwt(auth_->Authenticate("Bearer " + Sign(*alice_key_, claims), "KEYPAIR_JWT"),
                 "account 'OTHERACCT' is not OPENCORTEX");
}

TEST_F(AuthenticatorJwtTest, UnknownUserIs390144) {
    Json claims{{"iss", "OPENCORTEX.BOB." + alice_fp_},
                {"sub", "OPENCORTEX.BOB"},
                {"iat", kNowSeconds},
                {"exp", kNowSeconds + 60}};
    ExpectBadJwt(auth_->Authenticate("Bearer " + Sign(*alice_key_, claims), ""),
                 "user 'BOB' does not exist");
}

TEST_F(AuthenticatorJwtTest, UserWithoutKeyIs390144) {
    ASSERT_TRUE(auth_->CreateUser("bob", "", std::nullopt));
    Json claims{{"iss", "OPENCORTEX.BOB." + alice_fp_},
                {"sub", "OPENCORTEX.BOB"},
                {"iat", kNowSeconds},
                {"exp", kNowSeconds + 60}};
    ExpectBadJwt(auth_->Authenticate("Bearer " + Sign(*alice_key_, claims), "KEYPAIR_JWT"),
                 "user 'BOB' has no public key");
}

TEST_F(AuthenticatorJwtTest, AlgOtherThanRs256Is390144) {
    const std::string token =
        Sign(*alice_key_, Claims(alice_fp_, kNowSeconds, kNowSeconds + 60), "RS512");
    ExpectBadJwt(auth_->Authenticate("Bearer " + token, "KEYPAIR_JWT"),
                 "alg must be RS256, got 'RS512'");
}

TEST_F(AuthenticatorJwtTest, NonJwtWithJwtTypeIs390144) {
    auto r = auth_->Authenticate("Bearer ocpat_0123", "KEYPAIR_JWT");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().wire_code, "390144");
}

TEST_F(AuthenticatorJwtTest, JwtWithPatTypeIsAnUnknownToken) {
    auto r = auth_->Authenticate("Bearer " + ValidToken(), "PROGRAMMATIC_ACCESS_TOKEN");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().wire_code, "390303");
}

TEST_F(AuthenticatorJwtTest, StoredKeyIsReloadedAtOpen) {
    auth_.reset();
    auto auth = Authenticator::Open(
        *store_, AuthOptions{"OPENCORTEX", 60, 3600, [] { return kNowSeconds * 1000; }});
    ASSERT_TRUE(auth);
    EXPECT_TRUE((*auth)->Authenticate("Bearer " + ValidToken(), ""));
}

}  // namespace
}  // namespace oc::auth
