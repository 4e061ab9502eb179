// Key-pair JWT authentication (reference agents-api.md §1.3): RS256 tokens signed with the user's
// RSA private key, iss = ACCOUNT.USER.SHA256:<fingerprint>, sub = ACCOUNT.USER.
// Verification is pure CPU work (no I/O); every function here is thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace oc::auth {

// Wire code of a bad key-pair JWT (reference §1.4); the same value as api::codes::kBadJwt.
inline constexpr const char* kWireBadJwt = "390144";

// kUnauthenticated, 401, kWireBadJwt: "JWT token is invalid: <reason>".
Error JwtError(const std::string& reason);

struct JwtOptions {
    // Account name expected in iss/sub; compared after upper-casing both sides.
    std::string account = "OPENCORTEX";
    // Tolerated clock difference for exp (in the past) and iat (in the future).
    int64_t clock_skew_ms = 60 * 1000;
    // Longest accepted exp - iat.
    int64_t max_lifetime_ms = 3600 * 1000;
};

// An RSA public key parsed once (at user load) and shared by concurrent verifications.
class RsaPublicKey {
public:
    // Accepts a SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----") or its bare base64 body,
    // as Snowflake's RSA_PUBLIC_KEY does. kInvalidArgument unless RSA of at least 2048 bits.
    static Result<std::shared_ptr<const RsaPublicKey>> FromPem(std::string_view pem);
    ~RsaPublicKey();
    RsaPublicKey(const RsaPublicKey&) = delete;
    RsaPublicKey& operator=(const RsaPublicKey&) = delete;

    // "SHA256:" + standard base64 of SHA-256 over the DER SubjectPublicKeyInfo.
    const std::string& fingerprint() const { return fingerprint_; }
    // True when signature is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of data.
    bool VerifyRs256(std::string_view data, std::string_view signature) const;

private:
    RsaPublicKey(evp_pkey_st* key, std::string fingerprint);
    evp_pkey_st* key_;
    std::string fingerprint_;
};

// The fingerprint of a PEM public key, as `cortex user create` prints it.
Result<std::string> PublicKeyFingerprint(std::string_view pem);

// A structurally valid JWT: three base64url parts, JSON-object header and payload. The claims are
// copied out as sent; nothing is checked yet.
struct ParsedJwt {
    std::string alg;
    std::optional<std::string> iss;
    std::optional<std::string> sub;
    std::optional<int64_t> iat_ms;  // seconds on the wire, or ms when above 1e11
    std::optional<int64_t> exp_ms;
    std::string signing_input;  // "<header>.<payload>" as received
    std::string signature;      // decoded bytes
};

// kUnauthenticated (kWireBadJwt) when the token is not a JWT.
Result<ParsedJwt> ParseJwt(std::string_view token);

// True when a JWT looks like a Snowflake key-pair JWT: its iss contains ".SHA256:".
bool IsKeypairJwt(const ParsedJwt& jwt);

// Checks that iss and sub name the configured account and the same user; returns USER as sent
// in sub (the caller resolves it to a stored user). kUnauthenticated (kWireBadJwt) otherwise.
Result<std::string> KeypairJwtUser(const ParsedJwt& jwt, const JwtOptions& options);

// Checks alg (RS256 only), the iss fingerprint against key, iat/exp against now_ms and the
// signature. REQUIRES: key belongs to KeypairJwtUser(jwt). kUnauthenticated (kWireBadJwt).
Status VerifyKeypairJwt(const ParsedJwt& jwt, const RsaPublicKey& key, const JwtOptions& options,
                        int64_t now_ms);

// Shared by jwt.cpp and the tests that sign tokens: RFC 4648 §5 without padding.
std::string Base64UrlEncode(std::string_view bytes);
// Accepts input with or without '=' padding; nullopt on any other non-alphabet character.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace oc::auth
