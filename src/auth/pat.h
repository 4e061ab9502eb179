// Programmatic access tokens: "ocpat_" + 32 random bytes as hex. Only HashToken(secret) is ever
// stored (reference agents-api.md §1.3); logs show RedactToken(secret) at most.
#pragma once

#include <string>
#include <string_view>

namespace oc::auth {

inline constexpr std::string_view kPatPrefix = "ocpat_";
// Wire code of a missing/invalid/expired PAT or OAuth token (reference §1.4). The same value as
// api::codes::kBadToken; auth sits below api in the dependency chain so it keeps its own copy.
inline constexpr const char* kWireBadToken = "390303";

// A new secret from the OS CSPRNG: kPatPrefix followed by 64 lower-case hex characters.
std::string GeneratePat();

// Lower-case hex SHA-256 of the token text (64 characters). Used for PATs and OAuth tokens.
std::string HashToken(std::string_view token);

// "…" plus the last 4 characters (none for input under 16 characters): the only form a log
// may show.
std::string RedactToken(std::string_view token);

}  // namespace oc::auth
