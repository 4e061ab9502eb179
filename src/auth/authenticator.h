// Who is calling: turns the Authorization and X-Snowflake-Authorization-Token-Type headers into
// a Principal (reference agents-api.md §1.3) from an in-memory cache of users and live tokens,
// loaded once at Open and written through (DuckDB first, then the cache) by the admin methods.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/jwt.h"
#include "auth/principal.h"
#include "common/result.h"
#include "store/repos/token_repo.h"
#include "store/repos/user_repo.h"

namespace oc::store {
class SystemStore;
}

namespace oc::auth {

// Wire code of a bad type header (reference §1.4); the same value as api::codes::kInvalidArgument.
inline constexpr const char* kWireInvalidArgument = "001003";
inline constexpr const char* kDefaultRole = "PUBLIC";
inline constexpr const char* kAdminUser = "ADMIN";

struct AuthOptions {
    // Account name of key-pair JWTs (iss/sub "ACCOUNT.USER"), compared upper-cased.
    std::string account = "OPENCORTEX";
    // Tolerated clock difference for JWT exp/iat.
    int64_t jwt_clock_skew_seconds = 60;
    // Longest accepted JWT lifetime (exp - iat).
    int64_t jwt_max_lifetime_seconds = 3600;
    // Wall clock in epoch milliseconds; empty = common/clock.h NowMillis (tests inject one).
    std::function<int64_t()> clock;
};

// A new token: the secret is shown once and never stored.
struct IssuedToken {
    std::string id;
    std::string secret;
    std::string user;
    std::string role;
    std::optional<int64_t> expires_at;  // epoch milliseconds
};

class Authenticator {
public:
    // Loads every user and every non-revoked token. store must outlive the Authenticator.
    static Result<std::unique_ptr<Authenticator>> Open(store::SystemStore& store,
                                                       AuthOptions options = {});

    // The hot path: no DuckDB round trip, shared lock only; safe from any thread.
    // kUnauthenticated (401, 390303) for a missing/malformed header or an unknown, expired or
    // revoked PAT/OAuth token; kUnauthenticated (401, 390144) for a bad key-pair JWT;
    // kInvalidArgument (400) for a token type other than PROGRAMMATIC_ACCESS_TOKEN, KEYPAIR_JWT
    // or OAUTH. An absent type is sniffed: a JWT whose iss holds ".SHA256:" is KEYPAIR_JWT.
    Result<Principal> Authenticate(std::string_view authorization_header,
                                   std::string_view token_type_header) const;

    // The admin methods below block on DuckDB and are serialised among themselves.

    // Issues a token for an existing user. role empty = the user's default role;
    // expires_in_seconds must be 1 s..100 years when given (none = never expires).
    Result<IssuedToken> CreateToken(std::string_view user, std::string_view role,
                                    std::optional<int64_t> expires_in_seconds,
                                    std::string_view name);
    // Revokes a token by id; later Authenticate calls reject it. kNotFound for an unknown id.
    Status RevokeToken(std::string_view id);
    // Names and roles are identifiers (unquoted → upper case). public_key_pem, when given, must
    // be an RSA key of at least 2048 bits. kAlreadyExists when the user exists.
    Result<store::UserRecord> CreateUser(std::string_view name, std::string_view default_role,
                                         std::optional<std::string_view> public_key_pem);
    // Every token (revoked ones included) and every user, read from DuckDB.
    Result<std::vector<store::TokenRecord>> ListTokens() const;
    Result<std::vector<store::UserRecord>> ListUsers() const;

    // On a data dir without users: creates user ADMIN (role ACCOUNTADMIN) and returns a new
    // token for it, which the caller shows once. Otherwise returns an empty string.
    Result<std::string> Bootstrap();

private:
    struct CachedToken {
        std::string id;
        std::string user;
        std::string role;
        std::optional<int64_t> expires_at;
    };
    struct CachedUser {
        std::string default_role;
        std::shared_ptr<const RsaPublicKey> key;  // null when the user has no public key
    };

    Authenticator(store::SystemStore& store, AuthOptions options);
    Status Load();
    int64_t Now() const;
    Result<Principal> AuthenticateToken(std::string_view token) const;
    Result<Principal> AuthenticateJwt(const ParsedJwt& jwt) const;
    // A fresh secret and its record (hash only) for a resolved user and role.
    IssuedToken MakeToken(const std::string& user, const std::string& role,
                          std::optional<int64_t> expires_in_seconds, std::string_view name,
                          store::TokenRecord* record) const;
    void CacheUserLocked(const store::UserRecord& user);
    void CacheTokenLocked(const store::TokenRecord& token);

    store::SystemStore& store_;
    const AuthOptions options_;
    const JwtOptions jwt_options_;
    mutable store::UserRepo users_repo_;
    mutable store::TokenRepo tokens_repo_;

    std::mutex write_mu_;  // serialises the write-through methods (DB order == cache order)
    mutable std::shared_mutex mu_;  // guards the maps below
    std::unordered_map<std::string, CachedToken> tokens_by_hash_;
    std::unordered_map<std::string, std::string> hash_by_id_;
    std::unordered_map<std::string, CachedUser> users_;
};

}  // namespace oc::auth
