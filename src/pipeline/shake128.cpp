#include "pipeline/shake128.h"

#include <cstring>

namespace oc::pipeline {
namespace {

constexpr size_t kRate = 168;  // bytes absorbed per permutation for SHAKE-128

constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
// ρ offsets and π lane order, walking the lanes as the π step visits them from lane 1.
constexpr int kRho[24] = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                          27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
constexpr int kPi[24] = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                         15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};

inline uint64_t Rotl(uint64_t x, int s) { return (x << s) | (x >> (64 - s)); }

// Rounds fully unrolled (the compiler keeps the 25 lanes in registers).
void KeccakF1600(uint64_t a[25]) {
    for (uint64_t rc : kRoundConstants) {
        uint64_t c[5];
#pragma GCC unroll 5
        for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
#pragma GCC unroll 5
        for (int x = 0; x < 5; ++x) {
            const uint64_t d = c[(x + 4) % 5] ^ Rotl(c[(x + 1) % 5], 1);
#pragma GCC unroll 5
            for (int y = 0; y < 25; y += 5) a[y + x] ^= d;
        }
        uint64_t carry = a[1];
#pragma GCC unroll 24
        for (int i = 0; i < 24; ++i) {
            const uint64_t next = a[kPi[i]];
            a[kPi[i]] = Rotl(carry, kRho[i]);
            carry = next;
        }
#pragma GCC unroll 5
        for (int y = 0; y < 25; y += 5) {
#pragma GCC unroll 5
            for (int x = 0; x < 5; ++x) c[x] = a[y + x];
#pragma GCC unroll 5
            for (int x = 0; x < 5; ++x) a[y + x] = c[x] ^ (~c[(x + 1) % 5] & c[(x + 2) % 5]);
        }
        a[0] ^= rc;
    }
}

// Lanes are little-endian.
void XorBytes(uint64_t a[25], const unsigned char* p, size_t n) {
    for (size_t i = 0; i < n; ++i) a[i / 8] ^= static_cast<uint64_t>(p[i]) << (8 * (i % 8));
}

}  // namespace

void Shake128(std::string_view data, unsigned char* out, size_t n) {
    uint64_t a[25] = {};
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    size_t len = data.size();
    while (len >= kRate) {
        XorBytes(a, p, kRate);
        KeccakF1600(a);
        p += kRate;
        len -= kRate;
    }
    XorBytes(a, p, len);
    a[len / 8] ^= 0x1FULL << (8 * (len % 8));                  // SHAKE domain bits + pad start
    a[(kRate - 1) / 8] ^= 0x80ULL << (8 * ((kRate - 1) % 8));  // pad end
    KeccakF1600(a);
    while (n > 0) {
        const size_t take = n < kRate ? n : kRate;
        for (size_t i = 0; i < take; ++i)
            *out++ = static_cast<unsigned char>(a[i / 8] >> (8 * (i % 8)));
        n -= take;
        if (n > 0) KeccakF1600(a);
    }
}

}  // namespace oc::pipeline
