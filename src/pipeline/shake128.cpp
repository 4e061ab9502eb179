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

// Lanes are little-endian.
uint64_t LoadLane(const unsigned char* p) {
    uint64_t v = 0;
    for (int b = 7; b >= 0; --b) v = (v << 8) | p[b];  // one load once optimized
    return v;
}

void StoreLane(unsigned char* p, uint64_t v) {
    for (int b = 0; b < 8; ++b) p[b] = static_cast<unsigned char>(v >> (8 * b));
}

void XorBytes(uint64_t a[25], const unsigned char* p, size_t n) {
    for (size_t i = 0; i < n; ++i) a[i / 8] ^= static_cast<uint64_t>(p[i]) << (8 * (i % 8));
}

// Four states interleaved lane by lane: a[i][k] is lane i of state k. The vector helpers are
// always inlined into the functions below that are compiled for the CPU's vector extension, so
// no vector crosses a call (what -Wpsabi warns about, at the end of the file).
#pragma GCC diagnostic ignored "-Wpsabi"
typedef uint64_t V4 __attribute__((vector_size(32)));

// A lane L is one uint64_t (one state) or a V4 (four states side by side).
template <int S, typename L>
__attribute__((always_inline)) inline L Rotl(const L& x) {
    return (x << S) | (x >> (64 - S));
}

// The rounds of KeccakF1600, fully unrolled; kRho/kPi as compile-time indices so the 25 lanes
// stay in registers.
template <int I, typename L>
__attribute__((always_inline)) inline void RhoPi(L a[25], L& carry) {
    if constexpr (I < 24) {
        const L next = a[kPi[I]];
        a[kPi[I]] = Rotl<kRho[I]>(carry);
        carry = next;
        RhoPi<I + 1>(a, carry);
    }
}

template <typename L>
__attribute__((always_inline)) inline void KeccakRounds(L a[25]) {
    for (uint64_t rc : kRoundConstants) {
        L c[5];
#pragma GCC unroll 5
        for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
#pragma GCC unroll 5
        for (int x = 0; x < 5; ++x) {
            const L d = c[(x + 4) % 5] ^ Rotl<1>(c[(x + 1) % 5]);
#pragma GCC unroll 5
            for (int y = 0; y < 25; y += 5) a[y + x] ^= d;
        }
        L carry = a[1];
        RhoPi<0>(a, carry);
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

void KeccakF1600(uint64_t a[25]) { KeccakRounds(a); }
void KeccakF1600x4Generic(V4 a[25]) { KeccakRounds(a); }

#if defined(__x86_64__)
// AVX-512VL rotates a lane in one instruction (vprolq) and folds the xors (vpternlogq).
__attribute__((target("avx2,avx512f,avx512vl"))) void KeccakF1600x4Avx512(V4 a[25]) {
    KeccakRounds(a);
}
__attribute__((target("avx2"))) void KeccakF1600x4Avx2(V4 a[25]) { KeccakRounds(a); }

void KeccakF1600x4(V4 a[25]) {
    static const bool avx512 =
        __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
    static const bool avx2 = __builtin_cpu_supports("avx2");
    if (avx512) {
        KeccakF1600x4Avx512(a);
    } else if (avx2) {
        KeccakF1600x4Avx2(a);
    } else {
        KeccakF1600x4Generic(a);
    }
}
#else
void KeccakF1600x4(V4 a[25]) { KeccakF1600x4Generic(a); }
#endif

// One block per input (each shorter than kRate) into the four states interleaved lane by lane,
// with the SHAKE padding; only the words an input touches are filled, the rest stay zero.
void AbsorbShort(const std::string_view data[4], V4 a[25]) {
    for (int i = 0; i < 25; ++i) a[i] = V4{};
    for (int k = 0; k < 4; ++k) {
        const size_t len = data[k].size();
        const size_t words = len / 8 + 1;
        unsigned char block[kRate];
        if (len > 0) std::memcpy(block, data[k].data(), len);
        std::memset(block + len, 0, words * 8 - len);
        block[len] ^= 0x1F;  // SHAKE domain bits + pad start
        for (size_t i = 0; i < words; ++i) a[i][k] = LoadLane(block + 8 * i);
        a[(kRate - 1) / 8][k] ^= 0x80ULL << 56;  // pad end
    }
}

void SqueezeShort(const V4 a[25], unsigned char* const out[4], size_t n) {
    for (int k = 0; k < 4; ++k) {
        unsigned char lanes[kRate];
        const size_t words = (n + 7) / 8;
        for (size_t i = 0; i < words; ++i) StoreLane(lanes + 8 * i, a[i][k]);
        std::memcpy(out[k], lanes, n);
    }
}

}  // namespace

void Shake128x4(const std::string_view data[4], unsigned char* const out[4], size_t n) {
    for (int k = 0; k < 4; ++k) {
        if (data[k].size() >= kRate || n > kRate) {
            for (int j = 0; j < 4; ++j) Shake128(data[j], out[j], n);
            return;
        }
    }
    alignas(32) V4 a[25];
    AbsorbShort(data, a);
    KeccakF1600x4(a);
    SqueezeShort(a, out, n);
}

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
