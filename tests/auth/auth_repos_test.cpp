// UserRepo and TokenRepo (src/store/repos) as the authenticator uses them, on a temp data dir.
#include <gtest/gtest.h>

#include "store/repos/token_repo.h"
#include "store/repos/user_repo.h"
#include "store/system_store.h"
#include "test_keys.h"

namespace oc::store {
namespace {

class AuthReposTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto store = SystemStore::Open({dir_.path()});
        ASSERT_TRUE(store) << store.error().message;
        store_ = std::move(*store);
    }

    static TokenRecord Token(const std::string& id, const std::string& hash) {
        TokenRecord t;
        t.id = id;
        t.token_hash = hash;
        t.user_name = "ALICE";
        t.role = "PUBLIC";
        t.created_on = 1000;
        return t;
    }

    auth::test_support::TempDir dir_;
    std::unique_ptr<SystemStore> store_;
};

TEST_F(AuthReposTest, UserRoundTripsWithOptionalKey) {
    UserRepo repo(*store_);
    ASSERT_TRUE(repo.Insert({"ALICE", "ANALYST", "SHA256:fp=", "PEM", 42}));
    ASSERT_TRUE(repo.Insert({"BOB", "PUBLIC", std::nullopt, std::nullopt, 43}));
    auto alice = repo.Get("ALICE");
    ASSERT_TRUE(alice) << alice.error().message;
    EXPECT_EQ(alice->default_role, "ANALYST");
    EXPECT_EQ(alice->public_key_fp, "SHA256:fp=");
    EXPECT_EQ(alice->public_key_pem, "PEM");
    EXPECT_EQ(alice->created_on, 42);
    auto bob = repo.Get("BOB");
    ASSERT_TRUE(bob);
    EXPECT_FALSE(bob->public_key_fp);
    auto users = repo.List();
    ASSERT_TRUE(users);
    ASSERT_EQ(users->size(), 2u);
    EXPECT_EQ((*users)[0].name, "ALICE");
}

TEST_F(AuthReposTest, UserGetUnknownIsNotFoundAndDuplicateIsAlreadyExists) {
    UserRepo repo(*store_);
    auto missing = repo.Get("NOBODY");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    ASSERT_TRUE(repo.Insert({"ALICE", "PUBLIC", std::nullopt, std::nullopt, 1}));
    Status dup = repo.Insert({"ALICE", "PUBLIC", std::nullopt, std::nullopt, 2});
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
}

TEST_F(AuthReposTest, TokenRevokeHidesItFromTheLiveList) {
    TokenRepo repo(*store_);
    TokenRecord a = Token("a", "hash-a");
    a.expires_at = 5000;
    a.name = "ci";
    ASSERT_TRUE(repo.Insert(a));
    ASSERT_TRUE(repo.Insert(Token("b", "hash-b")));
    ASSERT_TRUE(repo.Revoke("a"));
    auto got = repo.Get("a");
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_TRUE(got->revoked);
    EXPECT_EQ(got->expires_at, 5000);
    EXPECT_EQ(got->name, "ci");
    auto live = repo.List(false);
    ASSERT_TRUE(live);
    ASSERT_EQ(live->size(), 1u);
    EXPECT_EQ((*live)[0].id, "b");
    EXPECT_FALSE((*live)[0].expires_at);
    auto all = repo.List(true);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 2u);
}

TEST_F(AuthReposTest, TokenDuplicateHashIsAlreadyExistsAndUnknownRevokeIsNotFound) {
    TokenRepo repo(*store_);
    ASSERT_TRUE(repo.Insert(Token("a", "same")));
    Status dup = repo.Insert(Token("b", "same"));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(dup.error().message.find("same"), std::string::npos);
    Status st = repo.Revoke("zzz");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace oc::store
