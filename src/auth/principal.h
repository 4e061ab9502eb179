// Who is calling: the authenticated user and the role the request acts as.
#pragma once

#include <string>

namespace oc::auth {

inline constexpr const char* kAccountAdmin = "ACCOUNTADMIN";

struct Principal {
    std::string user;
    std::string role;
    std::string token_id;  // rate-limit key: PAT id, or "jwt:<user>"

    bool IsAccountAdmin() const { return role == kAccountAdmin; }
};

}  // namespace oc::auth
