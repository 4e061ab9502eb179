#include "store/value_text.h"

#include <charconv>
#include <cmath>

namespace oc::store {
namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;

// Days since 1970-01-01 → proleptic Gregorian civil date (H. Hinnant's days_from_civil inverse).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

void AppendPadded(std::string& out, int64_t value, int width) {
    std::string digits = std::to_string(value);
    if (static_cast<int>(digits.size()) < width) out.append(width - digits.size(), '0');
    out += digits;
}

// "HH:MM:SS[.ffffff]" with trailing zeros of the fraction removed, as DuckDB prints TIME.
void AppendTimeOfDay(std::string& out, int64_t micros) {
    AppendPadded(out, micros / 3600000000LL, 2);
    out += ':';
    AppendPadded(out, micros / 60000000LL % 60, 2);
    out += ':';
    AppendPadded(out, micros / 1000000LL % 60, 2);
    int64_t frac = micros % 1000000LL;
    if (frac == 0) return;
    std::string f;
    AppendPadded(f, frac, 6);
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += '.';
    out += f;
}

// Date part of "YYYY-MM-DD" plus the " (BC)" marker, split so timestamps can insert the time.
void AppendDate(std::string& out, int64_t days, bool* bc) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, &y, &m, &d);
    *bc = y <= 0;
    AppendPadded(out, *bc ? 1 - y : y, 4);
    out += '-';
    AppendPadded(out, m, 2);
    out += '-';
    AppendPadded(out, d, 2);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::string Uint128ToString(unsigned __int128 value) {
    if (value == 0) return "0";
    char buf[48];
    int pos = sizeof(buf);
    while (value != 0) {
        buf[--pos] = static_cast<char>('0' + static_cast<int>(value % 10));
        value /= 10;
    }
    return std::string(buf + pos, sizeof(buf) - pos);
}

std::string Int128ToString(__int128 value) {
    if (value >= 0) return Uint128ToString(static_cast<unsigned __int128>(value));
    // Negate in unsigned arithmetic so the minimum value does not overflow.
    return "-" + Uint128ToString(~static_cast<unsigned __int128>(value) + 1);
}

std::string FormatScaled(__int128 unscaled, int scale) {
    bool negative = unscaled < 0;
    unsigned __int128 magnitude = negative ? ~static_cast<unsigned __int128>(unscaled) + 1
                                           : static_cast<unsigned __int128>(unscaled);
    std::string digits = Uint128ToString(magnitude);
    if (scale > 0) {
        if (static_cast<int>(digits.size()) <= scale) {
            digits.insert(0, scale + 1 - digits.size(), '0');
        }
        digits.insert(digits.size() - scale, 1, '.');
    }
    return negative ? "-" + digits : digits;
}

std::string FormatEpochSeconds(int64_t units, int64_t units_per_second) {
    bool negative = units < 0;
    uint64_t a = negative ? ~static_cast<uint64_t>(units) + 1 : static_cast<uint64_t>(units);
    uint64_t per = static_cast<uint64_t>(units_per_second);
    uint64_t whole = a / per;
    uint64_t frac = (a % per) * (1000000000ULL / per);
    std::string out = negative ? "-" : "";
    out += std::to_string(whole);
    out += '.';
    AppendPadded(out, static_cast<int64_t>(frac), 9);
    return out;
}

std::string FormatDouble(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), value);
    return std::string(buf, res.ptr);
}

std::string FormatFloat(float value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), value);
    return std::string(buf, res.ptr);
}

std::string HexUpper(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += kDigits[c >> 4];
        out += kDigits[c & 0x0F];
    }
    return out;
}

std::string FormatUuid(int64_t upper, uint64_t lower) {
    uint64_t hi = static_cast<uint64_t>(upper) ^ (uint64_t{1} << 63);
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (int i = 0; i < 32; ++i) {
        uint64_t word = i < 16 ? hi : lower;
        int shift = 60 - 4 * (i % 16);
        out += kDigits[(word >> shift) & 0x0F];
        if (i == 7 || i == 11 || i == 15 || i == 19) out += '-';
    }
    return out;
}

std::string FormatIsoDate(int32_t days) {
    std::string out;
    bool bc = false;
    AppendDate(out, days, &bc);
    if (bc) out += " (BC)";
    return out;
}

std::string FormatIsoTime(int64_t micros) {
    std::string out;
    AppendTimeOfDay(out, micros);
    return out;
}

std::string FormatIsoTimestamp(int64_t micros) {
    int64_t days = FloorDiv(micros, kMicrosPerDay);
    std::string out;
    bool bc = false;
    AppendDate(out, days, &bc);
    out += ' ';
    AppendTimeOfDay(out, micros - days * kMicrosPerDay);
    if (bc) out += " (BC)";
    return out;
}

void AppendJsonString(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (char c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (u < 0x20) {
                    out += "\\u00";
                    out += kHex[u >> 4];
                    out += kHex[u & 0x0F];
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

}  // namespace oc::store
