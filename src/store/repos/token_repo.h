// Programmatic access tokens (_cortex.tokens). Only the SHA-256 hash of a secret is stored; the
// plaintext never reaches this layer. Reads open their own connection; writes use the writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace oc::store {

class Connection;
class SystemStore;

struct TokenRecord {
    std::string id;
    std::string token_hash;  // lower-case hex SHA-256 of the secret
    std::string user_name;
    std::string role;
    std::optional<std::string> name;
    int64_t created_on = 0;             // epoch milliseconds
    std::optional<int64_t> expires_at;  // epoch milliseconds; none = never expires
    bool revoked = false;
};

class TokenRepo {
public:
    explicit TokenRepo(SystemStore& store) : store_(store) {}

    // Inserts a token; kAlreadyExists when the id or hash is taken.
    Status Insert(const TokenRecord& token);
    // The same on a writer connection the caller holds (inside its transaction).
    static Status InsertWith(Connection& conn, const TokenRecord& token);

    // kNotFound when no token has this id.
    Result<TokenRecord> Get(std::string_view id);
    // Tokens ordered by creation time, then id; revoked ones only when include_revoked.
    Result<std::vector<TokenRecord>> List(bool include_revoked);
    // Marks a token revoked (idempotent); kNotFound when no token has this id.
    Status Revoke(std::string_view id);

private:
    SystemStore& store_;
};

}  // namespace oc::store
