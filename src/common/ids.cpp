#include "common/ids.h"

#include <sys/random.h>

#include <array>
#include <cstdint>
#include <stdexcept>

namespace oc {
namespace {

void FillRandom(unsigned char* out, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(out + got, n - got, 0);
        if (r > 0) got += static_cast<size_t>(r);
    }
}

std::string Hex(const unsigned char* data, size_t n) {
    static const char* kHex = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (size_t i = 0; i < n; ++i) {
        out.push_back(kHex[data[i] >> 4]);
        out.push_back(kHex[data[i] & 15]);
    }
    return out;
}

}  // namespace

std::string NewUuid() {
    std::array<unsigned char, 16> b;
    FillRandom(b.data(), b.size());
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    std::string h = Hex(b.data(), b.size());
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20, 12);
}

std::string RandomHex(size_t n_bytes) {
    std::string buf(n_bytes, '\0');
    FillRandom(reinterpret_cast<unsigned char*>(buf.data()), n_bytes);
    return Hex(reinterpret_cast<const unsigned char*>(buf.data()), n_bytes);
}

}  // namespace oc
