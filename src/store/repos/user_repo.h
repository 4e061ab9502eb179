// Users of the server (_cortex.users): name, default role and the optional RSA public key used for
// key-pair JWT authentication (reference agents-api.md §1.3). Reads open their own connection;
// writes go through the SystemStore writer.
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

struct UserRecord {
    std::string name;          // stored identifier form (see common/identifier.h)
    std::string default_role;  // role of JWT requests and the default role of new tokens
    std::optional<std::string> public_key_fp;   // "SHA256:<base64>", set with public_key_pem
    std::optional<std::string> public_key_pem;  // SubjectPublicKeyInfo PEM
    int64_t created_on = 0;                     // epoch milliseconds
};

class UserRepo {
public:
    explicit UserRepo(SystemStore& store) : store_(store) {}

    // Inserts a user; kAlreadyExists when the name is taken.
    Status Insert(const UserRecord& user);
    // The same on a writer connection the caller holds (inside its transaction).
    static Status InsertWith(Connection& conn, const UserRecord& user);

    // kNotFound when no user has this name (exact, case-sensitive).
    Result<UserRecord> Get(std::string_view name);
    // Every user, ordered by name.
    Result<std::vector<UserRecord>> List();

private:
    SystemStore& store_;
};

}  // namespace oc::store
