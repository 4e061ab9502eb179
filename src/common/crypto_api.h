// The parts of OpenSSL's libcrypto we use, opened on first use instead of at process start
// (issue 7: cold start; see common/dynamic_library.h). Include this header instead of the
// <openssl/...> headers it includes. Functions are listed by hand (libcrypto declares most of its
// API through macros): calling one that is not listed is a link error; add it below.
#pragma once

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "common/dynamic_library.h"

namespace oc {

inline DynamicLibrary& CryptoLibrary() {
    static DynamicLibrary library("libcrypto.so.3");
    return library;
}

}  // namespace oc

#define OC_CRYPTO_FN(name) OC_LAZY_FN(::oc::CryptoLibrary, name)

// OPENSSL_free(p) expands to CRYPTO_free(p, file, line); EVP_MD_size is EVP_MD_get_size and
// EVP_PKEY_bits is EVP_PKEY_get_bits.
#define BIO_free OC_CRYPTO_FN(BIO_free)
#define BIO_new OC_CRYPTO_FN(BIO_new)
#define BIO_new_mem_buf OC_CRYPTO_FN(BIO_new_mem_buf)
#define BIO_read OC_CRYPTO_FN(BIO_read)
#define BIO_write OC_CRYPTO_FN(BIO_write)
#define CRYPTO_free OC_CRYPTO_FN(CRYPTO_free)
#define CRYPTO_memcmp OC_CRYPTO_FN(CRYPTO_memcmp)
#define ERR_clear_error OC_CRYPTO_FN(ERR_clear_error)
#define ERR_error_string_n OC_CRYPTO_FN(ERR_error_string_n)
#define ERR_get_error OC_CRYPTO_FN(ERR_get_error)
#define EVP_DecodeBlock OC_CRYPTO_FN(EVP_DecodeBlock)
#define EVP_Digest OC_CRYPTO_FN(EVP_Digest)
#define EVP_DigestFinal_ex OC_CRYPTO_FN(EVP_DigestFinal_ex)
#define EVP_DigestInit_ex OC_CRYPTO_FN(EVP_DigestInit_ex)
#define EVP_DigestSign OC_CRYPTO_FN(EVP_DigestSign)
#define EVP_DigestSignInit OC_CRYPTO_FN(EVP_DigestSignInit)
#define EVP_DigestUpdate OC_CRYPTO_FN(EVP_DigestUpdate)
#define EVP_DigestVerify OC_CRYPTO_FN(EVP_DigestVerify)
#define EVP_DigestVerifyInit OC_CRYPTO_FN(EVP_DigestVerifyInit)
#define EVP_EncodeBlock OC_CRYPTO_FN(EVP_EncodeBlock)
#define EVP_MD_CTX_free OC_CRYPTO_FN(EVP_MD_CTX_free)
#define EVP_MD_CTX_new OC_CRYPTO_FN(EVP_MD_CTX_new)
#define EVP_MD_CTX_reset OC_CRYPTO_FN(EVP_MD_CTX_reset)
#define EVP_MD_get_size OC_CRYPTO_FN(EVP_MD_get_size)
#define EVP_PKEY_free OC_CRYPTO_FN(EVP_PKEY_free)
#define EVP_PKEY_get_bits OC_CRYPTO_FN(EVP_PKEY_get_bits)
#define EVP_PKEY_is_a OC_CRYPTO_FN(EVP_PKEY_is_a)
#define EVP_get_digestbyname OC_CRYPTO_FN(EVP_get_digestbyname)
#define EVP_md5 OC_CRYPTO_FN(EVP_md5)
#define EVP_sha1 OC_CRYPTO_FN(EVP_sha1)
#define EVP_sha256 OC_CRYPTO_FN(EVP_sha256)
#define EVP_sha384 OC_CRYPTO_FN(EVP_sha384)
#define EVP_sha3_256 OC_CRYPTO_FN(EVP_sha3_256)
#define EVP_sha512 OC_CRYPTO_FN(EVP_sha512)
#define HMAC OC_CRYPTO_FN(HMAC)
#define PEM_read_bio_PUBKEY OC_CRYPTO_FN(PEM_read_bio_PUBKEY)
#define PEM_read_bio_PrivateKey OC_CRYPTO_FN(PEM_read_bio_PrivateKey)
#define RAND_bytes OC_CRYPTO_FN(RAND_bytes)
#define i2d_PUBKEY OC_CRYPTO_FN(i2d_PUBKEY)
