#include "auth/authenticator.h"

#include <utility>

#include "auth/pat.h"
#include "common/clock.h"
#include "common/identifier.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/text.h"
#include "store/duckdb/connection.h"
#include "store/system_store.h"

namespace oc::auth {
namespace {

constexpr std::string_view kTypePat = "PROGRAMMATIC_ACCESS_TOKEN";
constexpr std::string_view kTypeOauth = "OAUTH";
constexpr std::string_view kTypeJwt = "KEYPAIR_JWT";

// 100 years: keeps created_on + expires_in far from int64 overflow.
constexpr int64_t kMaxExpiresInSeconds = 100LL * 365 * 24 * 3600;

enum class TokenKind { kSniff, kOpaque, kJwt };

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

Error BadToken(std::string message) {
    return MakeError(ErrorCode::kUnauthenticated, std::move(message), kWireBadToken, 401);
}

Result<TokenKind> ParseTokenType(std::string_view header) {
    const std::string_view type = Trim(header);
    if (type.empty()) return TokenKind::kSniff;
    if (EqualsIgnoreCase(type, kTypePat) || EqualsIgnoreCase(type, kTypeOauth)) {
        return TokenKind::kOpaque;
    }
    if (EqualsIgnoreCase(type, kTypeJwt)) return TokenKind::kJwt;
    return MakeError(ErrorCode::kInvalidArgument,
                     "X-Snowflake-Authorization-Token-Type must be KEYPAIR_JWT, OAUTH or "
                     "PROGRAMMATIC_ACCESS_TOKEN, got '" +
                         std::string(type) + "'",
                     kWireInvalidArgument, 400);
}

// The token of "Bearer <token>" (scheme case-insensitive, RFC 7235).
Result<std::string_view> BearerToken(std::string_view header) {
    header = Trim(header);
    if (header.empty()) return BadToken("Authorization header is missing");
    const size_t space = header.find(' ');
    const std::string_view token =
        space == std::string_view::npos ? std::string_view() : Trim(header.substr(space + 1));
    if (!EqualsIgnoreCase(header.substr(0, space), "Bearer") || token.empty() ||
        token.find_first_of(" \t") != std::string_view::npos) {
        return BadToken("Authorization header must be 'Bearer <token>'");
    }
    return token;
}

Result<std::string> ParseName(std::string_view raw, const char* what) {
    auto parsed = ParseIdentifier(raw);
    if (!parsed) {
        return MakeError(ErrorCode::kInvalidArgument,
                         std::string(what) + ": " + parsed.error().message);
    }
    return std::move(*parsed);
}

}  // namespace

Authenticator::Authenticator(store::SystemStore& store, AuthOptions options)
    : store_(store),
      options_(std::move(options)),
      jwt_options_{options_.account, options_.jwt_clock_skew_seconds * 1000,
                   options_.jwt_max_lifetime_seconds * 1000},
      users_repo_(store),
      tokens_repo_(store) {}

Result<std::unique_ptr<Authenticator>> Authenticator::Open(store::SystemStore& store,
                                                           AuthOptions options) {
    std::unique_ptr<Authenticator> auth(new Authenticator(store, std::move(options)));
    OC_TRY(auth->Load());
    return auth;
}

Status Authenticator::Load() {
    OC_ASSIGN_OR_RETURN(std::vector<store::UserRecord> users, users_repo_.List());
    OC_ASSIGN_OR_RETURN(std::vector<store::TokenRecord> tokens, tokens_repo_.List(false));
    std::unique_lock lock(mu_);
    for (const store::UserRecord& user : users) CacheUserLocked(user);
    for (const store::TokenRecord& token : tokens) CacheTokenLocked(token);
    GetLogger("auth")->debug("loaded {} users and {} live tokens", users.size(), tokens.size());
    return {};
}

int64_t Authenticator::Now() const { return options_.clock ? options_.clock() : NowMillis(); }

Result<Principal> Authenticator::Authenticate(std::string_view authorization_header,
                                              std::string_view token_type_header) const {
    OC_ASSIGN_OR_RETURN(TokenKind kind, ParseTokenType(token_type_header));
    OC_ASSIGN_OR_RETURN(std::string_view token, BearerToken(authorization_header));
    if (kind == TokenKind::kJwt) {
        OC_ASSIGN_OR_RETURN(ParsedJwt jwt, ParseJwt(token));
        return AuthenticateJwt(jwt);
    }
    if (kind == TokenKind::kSniff && token.find('.') != std::string_view::npos) {
        Result<ParsedJwt> jwt = ParseJwt(token);
        if (jwt && IsKeypairJwt(*jwt)) return AuthenticateJwt(*jwt);
    }
    return AuthenticateToken(token);
}

Result<Principal> Authenticator::AuthenticateToken(std::string_view token) const {
    const std::string hash = HashToken(token);
    std::shared_lock lock(mu_);
    auto it = tokens_by_hash_.find(hash);
    if (it == tokens_by_hash_.end()) return BadToken("Invalid access token.");
    const CachedToken& cached = it->second;
    if (cached.expires_at && Now() >= *cached.expires_at) {
        return BadToken("Access token has expired.");
    }
    return Principal{cached.user, cached.role, cached.id};
}

Result<Principal> Authenticator::AuthenticateJwt(const ParsedJwt& jwt) const {
    OC_ASSIGN_OR_RETURN(std::string claimed, KeypairJwtUser(jwt, jwt_options_));
    std::string user;
    CachedUser cached;
    {
        std::shared_lock lock(mu_);
        auto it = users_.find(claimed);
        if (it == users_.end()) it = users_.find(ToUpperAscii(claimed));
        if (it == users_.end()) return JwtError("user '" + claimed + "' does not exist");
        user = it->first;
        cached = it->second;
    }
    if (!cached.key) return JwtError("user '" + user + "' has no public key");
    OC_TRY(VerifyKeypairJwt(jwt, *cached.key, jwt_options_, Now()));
    return Principal{user, cached.default_role, "jwt:" + user};
}

IssuedToken Authenticator::MakeToken(const std::string& user, const std::string& role,
                                     std::optional<int64_t> expires_in_seconds,
                                     std::string_view name, store::TokenRecord* record) const {
    IssuedToken issued;
    issued.id = NewUuid();
    issued.secret = GeneratePat();
    issued.user = user;
    issued.role = role;
    record->id = issued.id;
    record->token_hash = HashToken(issued.secret);
    record->user_name = user;
    record->role = role;
    if (!name.empty()) record->name = std::string(name);
    record->created_on = Now();
    if (expires_in_seconds) record->expires_at = record->created_on + *expires_in_seconds * 1000;
    record->revoked = false;
    issued.expires_at = record->expires_at;
    return issued;
}

Result<IssuedToken> Authenticator::CreateToken(std::string_view user, std::string_view role,
                                               std::optional<int64_t> expires_in_seconds,
                                               std::string_view name) {
    OC_ASSIGN_OR_RETURN(std::string user_name, ParseName(user, "user"));
    if (expires_in_seconds &&
        (*expires_in_seconds <= 0 || *expires_in_seconds > kMaxExpiresInSeconds)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "expires_in must be 1.." + std::to_string(kMaxExpiresInSeconds) +
                             " seconds, got " + std::to_string(*expires_in_seconds));
    }
    std::lock_guard write_lock(write_mu_);
    std::string role_name;
    {
        std::shared_lock lock(mu_);
        auto it = users_.find(user_name);
        if (it == users_.end()) {
            return MakeError(ErrorCode::kNotFound, "user '" + user_name + "' does not exist");
        }
        role_name = it->second.default_role;
    }
    if (!role.empty()) {
        OC_ASSIGN_OR_RETURN(role_name, ParseName(role, "role"));
    }

    store::TokenRecord record;
    IssuedToken issued = MakeToken(user_name, role_name, expires_in_seconds, name, &record);
    OC_TRY(tokens_repo_.Insert(record));
    {
        std::unique_lock lock(mu_);
        CacheTokenLocked(record);
    }
    GetLogger("auth")->debug("created token {} for user {} role {} ({})", issued.id, user_name,
                             role_name, RedactToken(issued.secret));
    return issued;
}

Status Authenticator::RevokeToken(std::string_view id) {
    std::lock_guard write_lock(write_mu_);
    OC_TRY(tokens_repo_.Revoke(id));
    std::unique_lock lock(mu_);
    auto it = hash_by_id_.find(std::string(id));
    if (it != hash_by_id_.end()) {
        tokens_by_hash_.erase(it->second);
        hash_by_id_.erase(it);
    }
    GetLogger("auth")->debug("revoked token {}", id);
    return {};
}

Result<store::UserRecord> Authenticator::CreateUser(
    std::string_view name, std::string_view default_role,
    std::optional<std::string_view> public_key_pem) {
    store::UserRecord user;
    OC_ASSIGN_OR_RETURN(user.name, ParseName(name, "user"));
    OC_ASSIGN_OR_RETURN(user.default_role,
                        ParseName(default_role.empty() ? kDefaultRole : default_role, "role"));
    if (public_key_pem) {
        OC_ASSIGN_OR_RETURN(auto key, RsaPublicKey::FromPem(*public_key_pem));
        user.public_key_fp = key->fingerprint();
        user.public_key_pem = std::string(*public_key_pem);
    }
    user.created_on = Now();

    std::lock_guard write_lock(write_mu_);
    {
        std::shared_lock lock(mu_);
        if (users_.count(user.name) != 0) {
            return MakeError(ErrorCode::kAlreadyExists, "user '" + user.name + "' already exists");
        }
    }
    OC_TRY(users_repo_.Insert(user));
    {
        std::unique_lock lock(mu_);
        CacheUserLocked(user);
    }
    GetLogger("auth")->debug("created user {} with default role {}", user.name, user.default_role);
    return user;
}

Result<std::vector<store::TokenRecord>> Authenticator::ListTokens() const {
    return tokens_repo_.List(true);
}

Result<std::vector<store::UserRecord>> Authenticator::ListUsers() const {
    return users_repo_.List();
}

Result<std::string> Authenticator::Bootstrap() {
    std::lock_guard write_lock(write_mu_);
    {
        std::shared_lock lock(mu_);
        if (!users_.empty()) return std::string();
    }
    store::UserRecord admin;
    admin.name = kAdminUser;
    admin.default_role = kAccountAdmin;
    admin.created_on = Now();
    store::TokenRecord record;
    IssuedToken issued =
        MakeToken(admin.name, admin.default_role, std::nullopt, "bootstrap", &record);
    OC_TRY(store_.Transaction([&](store::Connection& c) -> Status {
        OC_TRY(store::UserRepo::InsertWith(c, admin));
        return store::TokenRepo::InsertWith(c, record);
    }));
    {
        std::unique_lock lock(mu_);
        CacheUserLocked(admin);
        CacheTokenLocked(record);
    }
    GetLogger("auth")->info("bootstrap: created user {} ({}) and token {} ({})", admin.name,
                            admin.default_role, issued.id, RedactToken(issued.secret));
    return std::move(issued.secret);
}

void Authenticator::CacheUserLocked(const store::UserRecord& user) {
    CachedUser cached;
    cached.default_role = user.default_role;
    if (user.public_key_pem) {
        auto key = RsaPublicKey::FromPem(*user.public_key_pem);
        if (key) {
            cached.key = std::move(*key);
        } else {
            GetLogger("auth")->warn("user {}: stored public key ignored: {}", user.name,
                                    key.error().message);
        }
    }
    users_[user.name] = std::move(cached);
}

void Authenticator::CacheTokenLocked(const store::TokenRecord& token) {
    if (token.revoked) return;
    tokens_by_hash_[token.token_hash] =
        CachedToken{token.id, token.user_name, token.role, token.expires_at};
    hash_by_id_[token.id] = token.token_hash;
}

}  // namespace oc::auth
