#include "auth/authenticator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "auth/pat.h"
#include "store/duckdb/connection.h"
#include "store/system_store.h"
#include "test_keys.h"

namespace oc::auth {
namespace {

constexpr int64_t kNow = 1'750'000'000'000;

class AuthenticatorTest : public ::testing::Test {
protected:
    void SetUp() override {
        Reopen();
        ASSERT_TRUE(auth_->CreateUser("alice", "analyst", std::nullopt));
    }

    void Reopen() {
        auth_.reset();
        store_.reset();
        auto store = store::SystemStore::Open({dir_.path()});
        ASSERT_TRUE(store) << store.error().message;
        store_ = std::move(*store);
        AuthOptions options;
        options.clock = [this] { return now_ms_; };
        auto auth = Authenticator::Open(*store_, options);
        ASSERT_TRUE(auth) << auth.error().message;
        auth_ = std::move(*auth);
    }

    static void ExpectBadToken(const Result<Principal>& r, const std::string& message) {
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
        EXPECT_EQ(r.error().wire_code, "390303");
        EXPECT_EQ(r.error().http_status, 401);
        EXPECT_EQ(r.error().message, message);
    }

    test_support::TempDir dir_;
    int64_t now_ms_ = kNow;
    std::unique_ptr<store::SystemStore> store_;
    std::unique_ptr<Authenticator> auth_;
};

TEST_F(AuthenticatorTest, CreatedPatAuthenticatesWithUserAndDefaultRole) {
    auto token = auth_->CreateToken("alice", "", std::nullopt, "ci");
    ASSERT_TRUE(token) << token.error().message;
    EXPECT_EQ(token->user, "ALICE");
    EXPECT_EQ(token->role, "ANALYST");

    auto principal = auth_->Authenticate("Bearer " + token->secret, "PROGRAMMATIC_ACCESS_TOKEN");
    ASSERT_TRUE(principal) << principal.error().message;
    EXPECT_EQ(principal->user, "ALICE");
    EXPECT_EQ(principal->role, "ANALYST");
    EXPECT_EQ(principal->token_id, token->id);
}

TEST_F(AuthenticatorTest, PatWithExplicitRoleActsAsThatRole) {
    auto token = auth_->CreateToken("ALICE", "reader", std::nullopt, "");
    ASSERT_TRUE(token) << token.error().message;
    auto principal = auth_->Authenticate("Bearer " + token->secret, "");
    ASSERT_TRUE(principal) << principal.error().message;
    EXPECT_EQ(principal->role, "READER");
}

TEST_F(AuthenticatorTest, TokenTypeHeaderIsCaseInsensitiveAndOauthIsALookup) {
    auto token = auth_->CreateToken("alice", "", std::nullopt, "");
    ASSERT_TRUE(token);
    for (const char* type : {"programmatic_access_token", "OAUTH", "oauth", ""}) {
        EXPECT_TRUE(auth_->Authenticate("Bearer " + token->secret, type)) << type;
    }
    EXPECT_TRUE(auth_->Authenticate("bearer   " + token->secret + " ", ""));
}

TEST_F(AuthenticatorTest, PatsSurviveARestart) {
    auto token = auth_->CreateToken("alice", "", std::nullopt, "");
    ASSERT_TRUE(token);
    Reopen();
    auto principal = auth_->Authenticate("Bearer " + token->secret, "");
    ASSERT_TRUE(principal) << principal.error().message;
    EXPECT_EQ(principal->user, "ALICE");
}

TEST_F(AuthenticatorTest, UnknownTokenIs390303) {
    ExpectBadToken(auth_->Authenticate("Bearer " + GeneratePat(), ""), "Invalid access token.");
}

TEST_F(AuthenticatorTest, MissingOrMalformedHeaderIs390303) {
    ExpectBadToken(auth_->Authenticate("", ""), "Authorization header is missing");
    const char* malformed[] = {"Bearer",    "Bearer ",    "Basic abc",
                               "ocpat_abc", "Bearer a b", "Snowflake Token=\"abc\""};
    for (const char* header : malformed) {
        ExpectBadToken(auth_->Authenticate(header, ""),
                       "Authorization header must be 'Bearer <token>'");
    }
}

TEST_F(AuthenticatorTest, RevokedTokenIs390303) {
    auto token = auth_->CreateToken("alice", "", std::nullopt, "");
    ASSERT_TRUE(token);
    ASSERT_TRUE(auth_->RevokeToken(token->id));
    ExpectBadToken(auth_->Authenticate("Bearer " + token->secret, ""), "Invalid access token.");
    Reopen();
    ExpectBadToken(auth_->Authenticate("Bearer " + token->secret, ""), "Invalid access token.");
}

TEST_F(AuthenticatorTest, RevokeUnknownIdIsNotFound) {
    Status st = auth_->RevokeToken("no-such-id");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
}

TEST_F(AuthenticatorTest, ExpiredTokenIs390303) {
    auto token = auth_->CreateToken("alice", "", 3600, "");
    ASSERT_TRUE(token);
    EXPECT_EQ(token->expires_at, kNow + 3'600'000);
    now_ms_ = kNow + 3'599'999;
    EXPECT_TRUE(auth_->Authenticate("Bearer " + token->secret, ""));
    now_ms_ = kNow + 3'600'000;
    ExpectBadToken(auth_->Authenticate("Bearer " + token->secret, ""), "Access token has expired.");
}

TEST_F(AuthenticatorTest, UnknownTokenTypeIsInvalidArgument) {
    auto token = auth_->CreateToken("alice", "", std::nullopt, "");
    ASSERT_TRUE(token);
    auto r = auth_->Authenticate("Bearer " + token->secret, "BASIC");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().http_status, 400);
    EXPECT_NE(r.error().message.find("got 'BASIC'"), std::string::npos);
}

TEST_F(AuthenticatorTest, CreateTokenForUnknownUserIsNotFound) {
    auto token = auth_->CreateToken("bob", "", std::nullopt, "");
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(token.error().message, "user 'BOB' does not exist");
    auto tokens = auth_->ListTokens();
    ASSERT_TRUE(tokens);
    EXPECT_TRUE(tokens->empty());
}

TEST_F(AuthenticatorTest, CreateTokenRejectsNonPositiveExpiry) {
    auto token = auth_->CreateToken("alice", "", 0, "");
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(AuthenticatorTest, CreateExistingUserIsAlreadyExists) {
    auto user = auth_->CreateUser("ALICE", "", std::nullopt);
    ASSERT_FALSE(user);
    EXPECT_EQ(user.error().code, ErrorCode::kAlreadyExists);
}

TEST_F(AuthenticatorTest, TokenIsStoredOnlyHashed) {
    auto token = auth_->CreateToken("alice", "", std::nullopt, "ci");
    ASSERT_TRUE(token);
    auto conn = store_->Connect();
    ASSERT_TRUE(conn);
    auto rows = (*conn)->Query(
        "SELECT id || '|' || token_hash || '|' || user_name || '|' || role || '|' || "
        "coalesce(name, '') FROM _cortex.tokens");
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ((*rows)->RowCount(), 1u);
    const std::string row = (*rows)->GetString(0, 0);
    EXPECT_EQ(row.find(token->secret), std::string::npos);
    EXPECT_EQ(row.find(token->secret.substr(kPatPrefix.size())), std::string::npos);
    EXPECT_NE(row.find(HashToken(token->secret)), std::string::npos);
}

TEST_F(AuthenticatorTest, ListTokensIncludesRevokedOnes) {
    auto a = auth_->CreateToken("alice", "", std::nullopt, "a");
    auto b = auth_->CreateToken("alice", "", 60, "b");
    ASSERT_TRUE(a && b);
    ASSERT_TRUE(auth_->RevokeToken(a->id));
    auto tokens = auth_->ListTokens();
    ASSERT_TRUE(tokens);
    ASSERT_EQ(tokens->size(), 2u);
    for (const store::TokenRecord& t : *tokens) {
        EXPECT_EQ(t.revoked, t.id == a->id) << t.id;
        EXPECT_EQ(t.user_name, "ALICE");
    }
}

TEST_F(AuthenticatorTest, AuthenticateRunsConcurrentlyWithWrites) {
    auto token = auth_->CreateToken("alice", "", std::nullopt, "");
    ASSERT_TRUE(token);
    std::atomic<int> failures{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t) {
        readers.emplace_back([&] {
            for (int i = 0; i < 500; ++i) {
                if (!auth_->Authenticate("Bearer " + token->secret, "")) ++failures;
            }
        });
    }
    for (int i = 0; i < 5; ++i) {
        auto other = auth_->CreateToken("alice", "", std::nullopt, "");
        ASSERT_TRUE(other);
        ASSERT_TRUE(auth_->RevokeToken(other->id));
    }
    for (std::thread& t : readers) t.join();
    EXPECT_EQ(failures.load(), 0);
}

TEST(AuthenticatorBootstrap, CreatesTheAdminOnceOnly) {
    test_support::TempDir dir;
    std::string secret;
    {
        auto store = store::SystemStore::Open({dir.path()});
        ASSERT_TRUE(store) << store.error().message;
        auto auth = Authenticator::Open(**store);
        ASSERT_TRUE(auth);
        auto first = (*auth)->Bootstrap();
        ASSERT_TRUE(first) << first.error().message;
        secret = *first;
        ASSERT_FALSE(secret.empty());
        auto principal = (*auth)->Authenticate("Bearer " + secret, "");
        ASSERT_TRUE(principal) << principal.error().message;
        EXPECT_EQ(principal->user, "ADMIN");
        EXPECT_EQ(principal->role, "ACCOUNTADMIN");
        EXPECT_TRUE(principal->IsAccountAdmin());
        auto second = (*auth)->Bootstrap();
        ASSERT_TRUE(second);
        EXPECT_EQ(*second, "");
    }
    auto store = store::SystemStore::Open({dir.path()});
    ASSERT_TRUE(store);
    auto auth = Authenticator::Open(**store);
    ASSERT_TRUE(auth);
    auto again = (*auth)->Bootstrap();
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, "");
    EXPECT_TRUE((*auth)->Authenticate("Bearer " + secret, ""));
    auto users = (*auth)->ListUsers();
    ASSERT_TRUE(users);
    ASSERT_EQ(users->size(), 1u);
    auto tokens = (*auth)->ListTokens();
    ASSERT_TRUE(tokens);
    EXPECT_EQ(tokens->size(), 1u);
}

TEST(AuthenticatorBootstrap, DoesNothingWhenAUserExists) {
    test_support::TempDir dir;
    auto store = store::SystemStore::Open({dir.path()});
    ASSERT_TRUE(store);
    auto auth = Authenticator::Open(**store);
    ASSERT_TRUE(auth);
    ASSERT_TRUE((*auth)->CreateUser("alice", "", std::nullopt));
    auto secret = (*auth)->Bootstrap();
    ASSERT_TRUE(secret);
    EXPECT_EQ(*secret, "");
    auto users = (*auth)->ListUsers();
    ASSERT_TRUE(users);
    ASSERT_EQ(users->size(), 1u);
    EXPECT_EQ((*users)[0].default_role, "PUBLIC");
}

}  // namespace
}  // namespace oc::auth
