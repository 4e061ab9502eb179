// Test helpers for the auth tests: RSA key pairs generated with OpenSSL EVP, RS256 JWT signing,
// and a temporary data dir removed at scope exit.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <filesystem>
#include <memory>
#include <string>

#include "auth/jwt.h"
#include "common/ids.h"
#include "common/json.h"

namespace oc::auth::test_support {

struct KeyPair {
    EVP_PKEY* key = nullptr;
    std::string public_pem;
    ~KeyPair() { EVP_PKEY_free(key); }
};

inline std::unique_ptr<KeyPair> GenerateRsaKey(unsigned int bits = 2048) {
    auto pair = std::make_unique<KeyPair>();
    pair->key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
    if (pair->key == nullptr) return nullptr;
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, pair->key);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    pair->public_pem.assign(data, static_cast<size_t>(len));
    BIO_free(bio);
    return pair;
}

// header.payload.signature with an RS256 signature by key (whatever alg the header names).
inline std::string SignJwt(const KeyPair& key, const Json& header, const Json& payload) {
    std::string input =
        Base64UrlEncode(DumpJson(header)) + "." + Base64UrlEncode(DumpJson(payload));
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t sig_len = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key.key);
    EVP_DigestSign(ctx, nullptr, &sig_len, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string sig(sig_len, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &sig_len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    EVP_MD_CTX_free(ctx);
    sig.resize(sig_len);
    return input + "." + Base64UrlEncode(sig);
}

class TempDir {
public:
    TempDir() : path_(std::filesystem::temp_directory_path() / ("oc-auth-test-" + RandomHex(8))) {
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::string path() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

}  // namespace oc::auth::test_support
