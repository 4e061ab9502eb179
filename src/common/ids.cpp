#include "common/ids.h"

#include <sys/random.h>

#include <array>
#include <cstdint>
#include <stdexcept>

#include "common/text.h"

namespace oc {
namespace {

void FillRandom(unsigned char* out, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(out + got, n - got, 0);
        if (r > 0) got += static_cast<size_t>(r);
    }
}

}  // namespace

std::string NewUuid() {
    std::array<unsigned char, 16> b;
    FillRandom(b.data(), b.size());
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    std::string h = HexLower(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20, 12);
}

std::string RandomHex(size_t n_bytes) {
    std::string buf(n_bytes, '\0');
    FillRandom(reinterpret_cast<unsigned char*>(buf.data()), n_bytes);
    return HexLower(buf);
}

}  // namespace oc
