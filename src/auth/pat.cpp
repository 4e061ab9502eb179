#include "auth/pat.h"

#include "common/crypto_api.h"

#include "common/ids.h"
#include "common/text.h"

namespace oc::auth {

std::string GeneratePat() { return std::string(kPatPrefix) + RandomHex(32); }

std::string HashToken(std::string_view token) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    // EVP_Digest with SHA-256 cannot fail short of memory exhaustion; an empty hash then never
    // matches a stored one, so the token is simply rejected.
    if (EVP_Digest(token.data(), token.size(), digest, &len, EVP_sha256(), nullptr) != 1) return {};
    return HexLower(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string RedactToken(std::string_view token) {
    const size_t keep = token.size() >= 16 ? 4 : 0;
    return "…" + std::string(token.substr(token.size() - keep));
}

}  // namespace oc::auth
