#include "pipeline/digest.h"
#include "pipeline/shake128.h"

#include "common/crypto_api.h"
#include "common/text.h"
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

namespace oc::pipeline {
namespace {

std::string Digest(const EVP_MD* md, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
    return std::string(reinterpret_cast<const char*>(out), len);
}

int Decode64(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

void Base64Into(std::string_view bytes, bool pad, std::string& out) {
    static const char* kTable = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.clear();
    out.reserve(pad ? (bytes.size() + 2) / 3 * 4 : (bytes.size() * 4 + 2) / 3);  // exact
    size_t i = 0;
    while (i + 2 < bytes.size()) {
        unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                     (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
        out += kTable[(v >> 18) & 63];
        out += kTable[(v >> 12) & 63];
        out += kTable[(v >> 6) & 63];
        out += kTable[v & 63];
        i += 3;
    }
    size_t rest = bytes.size() - i;
    if (rest > 0) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += kTable[(v >> 18) & 63];
        out += kTable[(v >> 12) & 63];
        if (rest == 2) out += kTable[(v >> 6) & 63];
        if (pad) out += rest == 2 ? "=" : "==";
    }
}

std::string Base64(std::string_view bytes, bool pad) {
    std::string out;
    Base64Into(bytes, pad, out);
    return out;
}

std::string ShakeBase64(std::string_view data, size_t n) {
    std::string bytes(n, '\0');
    Shake128(data, reinterpret_cast<unsigned char*>(bytes.data()), n);
    return Base64(bytes, false);
}

std::string Sha256(std::string_view data) { return Digest(EVP_sha256(), data); }

std::string Sha256Hex(std::string_view data) { return HexLower(Sha256(data)); }

std::string Sha3Base64(std::string_view data) {
    return Base64(Digest(EVP_sha3_256(), data), true);
}

std::string RandomId(size_t n) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::string bytes(n, '\0');
    for (size_t i = 0; i < n; i += 8) {  // 8 bytes per draw
        const uint64_t v = rng();
        std::memcpy(bytes.data() + i, &v, std::min<size_t>(8, n - i));
    }
    return Base64(bytes, false);
}

std::string CompressState(std::string_view json) {
    uLongf len = compressBound(static_cast<uLong>(json.size()));
    std::string out(len, '\0');
    compress2(reinterpret_cast<Bytef*>(out.data()), &len,
              reinterpret_cast<const Bytef*>(json.data()), static_cast<uLong>(json.size()), 9);
    out.resize(len);
    return Base64(out, true);
}

std::string DecompressState(std::string_view encoded) {
    std::string bytes;
    unsigned buf = 0;
    int bits = 0;
    for (char c : encoded) {
        int v = Decode64(c);
        if (v < 0) continue;
        buf = (buf << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes += static_cast<char>((buf >> bits) & 0xff);
        }
    }
    z_stream zs{};
    if (inflateInit(&zs) != Z_OK) return "";
    zs.next_in = reinterpret_cast<Bytef*>(bytes.data());
    zs.avail_in = static_cast<uInt>(bytes.size());
    std::string out;
    char chunk[16384];
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk);
        zs.avail_out = sizeof(chunk);
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(chunk, sizeof(chunk) - zs.avail_out);
    }
    inflateEnd(&zs);
    return rc == Z_STREAM_END ? out : "";
}

}  // namespace oc::pipeline
