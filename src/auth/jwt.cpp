#include "auth/jwt.h"

#include "common/crypto_api.h"

#include <cmath>
#include <utility>

#include "common/json.h"
#include "common/text.h"

namespace oc::auth {
namespace {

// A JWT larger than this is not a key-pair token; refuse before decoding anything.
constexpr size_t kMaxJwtBytes = 16 * 1024;
constexpr int kMinRsaBits = 2048;
constexpr std::string_view kFingerprintMarker = ".SHA256:";

Error BadKey(const std::string& reason) {
    ERR_clear_error();  // leave no stale OpenSSL errors on this thread
    return MakeError(ErrorCode::kInvalidArgument, "public key " + reason);
}

int Base64UrlValue(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

// Wraps a bare base64 body (Snowflake's RSA_PUBLIC_KEY form) into PEM lines of 64 characters.
std::string ToPem(std::string_view text) {
    if (text.find("-----BEGIN") != std::string_view::npos) return std::string(text);
    std::string body;
    for (char c : text) {
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') body.push_back(c);
    }
    std::string pem = "-----BEGIN PUBLIC KEY-----\n";
    for (size_t i = 0; i < body.size(); i += 64) pem += body.substr(i, 64) + "\n";
    pem += "-----END PUBLIC KEY-----\n";
    return pem;
}

Result<std::string> SpkiFingerprint(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    const int der_len = i2d_PUBKEY(key, &der);
    if (der_len <= 0) return BadKey("cannot be DER-encoded");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    const int ok =
        EVP_Digest(der, static_cast<size_t>(der_len), digest, &digest_len, EVP_sha256(), nullptr);
    OPENSSL_free(der);
    if (ok != 1) return BadKey("cannot be hashed");
    unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    const int b64_len = EVP_EncodeBlock(b64, digest, static_cast<int>(digest_len));
    return "SHA256:" +
           std::string(reinterpret_cast<const char*>(b64), static_cast<size_t>(b64_len));
}

// NumericDate: seconds, or milliseconds when above 1e11 (reference §1.3, [ours]).
Result<std::optional<int64_t>> ReadTime(const Json& payload, const char* claim) {
    auto it = payload.find(claim);
    if (it == payload.end() || it->is_null()) return std::optional<int64_t>();
    if (!it->is_number()) return JwtError(std::string(claim) + " must be a number");
    const double v = it->get<double>();
    if (!std::isfinite(v) || std::fabs(v) > 1e15) {
        return JwtError(std::string(claim) + " is out of range");
    }
    if (std::fabs(v) > 1e11) return std::optional<int64_t>(static_cast<int64_t>(v));
    if (it->is_number_integer()) return std::optional<int64_t>(it->get<int64_t>() * 1000);
    return std::optional<int64_t>(static_cast<int64_t>(std::llround(v * 1000.0)));
}

Result<Json> DecodeJsonPart(std::string_view part, const char* what) {
    std::optional<std::string> bytes = Base64UrlDecode(part);
    if (!bytes) return JwtError(std::string(what) + " is not base64url");
    Result<Json> json = ParseJson(*bytes);
    if (!json || !json->is_object()) return JwtError(std::string(what) + " is not a JSON object");
    return std::move(*json);
}

std::optional<std::string> StringClaim(const Json& payload, const char* claim) {
    auto it = payload.find(claim);
    if (it == payload.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

}  // namespace

Error JwtError(const std::string& reason) {
    return MakeError(ErrorCode::kUnauthenticated, "JWT token is invalid: " + reason, kWireBadJwt,
                     401);
}

RsaPublicKey::RsaPublicKey(evp_pkey_st* key, std::string fingerprint)
    : key_(key), fingerprint_(std::move(fingerprint)) {}

RsaPublicKey::~RsaPublicKey() { EVP_PKEY_free(key_); }

Result<std::shared_ptr<const RsaPublicKey>> RsaPublicKey::FromPem(std::string_view pem) {
    if (pem.find("PRIVATE KEY") != std::string_view::npos) {
        return BadKey(
            "expected, got a private key: export the public part with "
            "`openssl rsa -in key.p8 -pubout -out key.pub`");
    }
    if (pem.find("BEGIN RSA PUBLIC KEY") != std::string_view::npos) {
        return BadKey(
            "must be SubjectPublicKeyInfo (BEGIN PUBLIC KEY), got PKCS#1: convert with "
            "`openssl rsa -RSAPublicKey_in -in key.pub -pubout`");
    }
    const std::string text = ToPem(pem);
    BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
    if (bio == nullptr) return BadKey("cannot be read (out of memory)");
    EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (key == nullptr) return BadKey("is not a PEM SubjectPublicKeyInfo (BEGIN PUBLIC KEY)");
    if (!EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_get_bits(key) < kMinRsaBits) {
        const int bits = EVP_PKEY_get_bits(key);
        EVP_PKEY_free(key);
        return BadKey("must be RSA of at least 2048 bits, got " + std::to_string(bits) + " bits");
    }
    Result<std::string> fingerprint = SpkiFingerprint(key);
    if (!fingerprint) {
        EVP_PKEY_free(key);
        return std::move(fingerprint).error();
    }
    return std::shared_ptr<const RsaPublicKey>(new RsaPublicKey(key, std::move(*fingerprint)));
}

bool RsaPublicKey::VerifyRs256(std::string_view data, std::string_view signature) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (ctx == nullptr) return false;
    // Concurrent read-only use of one EVP_PKEY is safe in OpenSSL 3 (openssl-threads(7)).
    bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key_) == 1 &&
              EVP_DigestVerify(
                  ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                  reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) ERR_clear_error();
    return ok;
}

Result<std::string> PublicKeyFingerprint(std::string_view pem) {
    OC_ASSIGN_OR_RETURN(auto key, RsaPublicKey::FromPem(pem));
    return key->fingerprint();
}

Result<ParsedJwt> ParseJwt(std::string_view token) {
    if (token.size() > kMaxJwtBytes) return JwtError("token is too long");
    const size_t dot1 = token.find('.');
    const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
        return JwtError("expected three dot-separated parts");
    }
    const std::string_view header_part = token.substr(0, dot1);
    const std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
    const std::string_view signature_part = token.substr(dot2 + 1);
    if (header_part.empty() || payload_part.empty() || signature_part.empty()) {
        return JwtError("empty header, payload or signature");
    }
    OC_ASSIGN_OR_RETURN(Json header, DecodeJsonPart(header_part, "header"));
    OC_ASSIGN_OR_RETURN(Json payload, DecodeJsonPart(payload_part, "payload"));
    std::optional<std::string> signature = Base64UrlDecode(signature_part);
    if (!signature) return JwtError("signature is not base64url");

    ParsedJwt jwt;
    jwt.alg = StringClaim(header, "alg").value_or("");
    jwt.iss = StringClaim(payload, "iss");
    jwt.sub = StringClaim(payload, "sub");
    OC_ASSIGN_OR_RETURN(jwt.iat_ms, ReadTime(payload, "iat"));
    OC_ASSIGN_OR_RETURN(jwt.exp_ms, ReadTime(payload, "exp"));
    jwt.signing_input = std::string(token.substr(0, dot2));
    jwt.signature = std::move(*signature);
    return jwt;
}

bool IsKeypairJwt(const ParsedJwt& jwt) {
    return jwt.iss && jwt.iss->find(kFingerprintMarker) != std::string::npos;
}

Result<std::string> KeypairJwtUser(const ParsedJwt& jwt, const JwtOptions& options) {
    if (!IsKeypairJwt(jwt)) return JwtError("iss must be ACCOUNT.USER.SHA256:<fingerprint>");
    if (!jwt.sub) return JwtError("sub is missing");
    const std::string_view iss_subject =
        std::string_view(*jwt.iss).substr(0, jwt.iss->rfind(kFingerprintMarker));
    if (!EqualsIgnoreCase(iss_subject, *jwt.sub)) {
        return JwtError("sub '" + *jwt.sub + "' does not match iss");
    }
    const size_t dot = jwt.sub->find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == jwt.sub->size()) {
        return JwtError("sub must be ACCOUNT.USER, got '" + *jwt.sub + "'");
    }
    const std::string account = ToUpperAscii(std::string_view(*jwt.sub).substr(0, dot));
    if (account != ToUpperAscii(options.account)) {
        return JwtError("account '" + account + "' is not " + ToUpperAscii(options.account));
    }
    return jwt.sub->substr(dot + 1);
}

Status VerifyKeypairJwt(const ParsedJwt& jwt, const RsaPublicKey& key, const JwtOptions& options,
                        int64_t now_ms) {
    if (jwt.alg != "RS256") return JwtError("alg must be RS256, got '" + jwt.alg + "'");
    if (!IsKeypairJwt(jwt)) return JwtError("iss must be ACCOUNT.USER.SHA256:<fingerprint>");
    const std::string_view fingerprint =
        std::string_view(*jwt.iss).substr(jwt.iss->rfind(kFingerprintMarker) + 1);
    if (fingerprint != key.fingerprint()) {
        return JwtError("public key fingerprint does not match the user's key");
    }
    if (!jwt.iat_ms || !jwt.exp_ms) return JwtError("iat and exp are required");
    if (*jwt.exp_ms <= now_ms - options.clock_skew_ms) return JwtError("token has expired");
    if (*jwt.iat_ms > now_ms + options.clock_skew_ms) return JwtError("iat is in the future");
    if (*jwt.exp_ms <= *jwt.iat_ms) return JwtError("exp must be after iat");
    if (*jwt.exp_ms - *jwt.iat_ms > options.max_lifetime_ms) {
        return JwtError("exp - iat must be at most " +
                        std::to_string(options.max_lifetime_ms / 1000) + " seconds");
    }
    if (!key.VerifyRs256(jwt.signing_input, jwt.signature)) return JwtError("bad signature");
    return {};
}

std::string Base64UrlEncode(std::string_view bytes) {
    static const char* kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(kAlphabet[(buffer >> bits) & 63]);
        }
    }
    if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 63]);
    return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        const int v = Base64UrlValue(c);
        if (v < 0) return std::nullopt;
        buffer = (buffer << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    return out;
}

}  // namespace oc::auth
