#include "tools/search/column.h"

#include "common/identifier.h"

namespace oc::tools::search {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

class Cursor {
public:
    explicit Cursor(std::string_view s) : s_(s) {}
    bool Done() const { return i_ == s_.size(); }
    char Peek() const { return Done() ? '\0' : s_[i_]; }
    bool Take(char c) {
        if (Peek() != c) return false;
        ++i_;
        return true;
    }
    // Exactly n digits.
    bool Digits(int n, int64_t* out) {
        int64_t v = 0;
        for (int k = 0; k < n; ++k) {
            char c = Peek();
            if (c < '0' || c > '9') return false;
            v = v * 10 + (c - '0');
            ++i_;
        }
        *out = v;
        return true;
    }
    // One or more digits as microseconds of a fraction (digits past the sixth are dropped).
    bool Fraction(int64_t* micros) {
        int64_t v = 0;
        int n = 0;
        while (Peek() >= '0' && Peek() <= '9') {
            if (n < 6) v = v * 10 + (Peek() - '0');
            ++n;
            ++i_;
        }
        for (int k = n; k < 6; ++k) v *= 10;
        *micros = v;
        return n > 0;
    }

private:
    std::string_view s_;
    size_t i_ = 0;
};

bool ParseDate(Cursor& c, int64_t* days) {
    int64_t y = 0, m = 0, d = 0;
    if (!c.Digits(4, &y) || !c.Take('-') || !c.Digits(2, &m) || !c.Take('-') || !c.Digits(2, &d)) {
        return false;
    }
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return false;
    if (d > kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0)) return false;
    *days = DaysFromCivil(y, m, d);
    return true;
}

// "Z", "+HH", "+HH:MM", "+HHMM" (or '-') → offset east of UTC in microseconds.
bool ParseZone(Cursor& c, int64_t* offset) {
    *offset = 0;
    if (c.Done() || c.Take('Z')) return c.Done();
    int sign = c.Take('+') ? 1 : c.Take('-') ? -1 : 0;
    int64_t hh = 0, mm = 0;
    if (sign == 0 || !c.Digits(2, &hh)) return false;
    if (!c.Done()) {
        c.Take(':');
        if (!c.Digits(2, &mm)) return false;
    }
    if (hh > 18 || mm > 59) return false;
    *offset = sign * (hh * 3600 + mm * 60) * kMicrosPerSecond;
    return c.Done();
}

}  // namespace

const char* ColumnKindName(ColumnKind kind) {
    switch (kind) {
        case ColumnKind::kText: return "TEXT";
        case ColumnKind::kNumber: return "NUMBER";
        case ColumnKind::kBoolean: return "BOOLEAN";
        case ColumnKind::kDate: return "DATE";
        case ColumnKind::kTimestamp: return "TIMESTAMP";
        case ColumnKind::kArray: return "ARRAY";
        case ColumnKind::kObject: return "OBJECT";
        case ColumnKind::kOther: return "VARIANT";
    }
    return "VARIANT";
}

const ColumnInfo* FindColumn(const std::vector<ColumnInfo>& columns, std::string_view name) {
    for (const ColumnInfo& c : columns) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

std::optional<std::string> ResolveColumn(std::string_view reference,
                                         const std::vector<ColumnInfo>& columns) {
    if (FindColumn(columns, reference)) return std::string(reference);
    auto parsed = ParseIdentifier(reference);
    if (parsed && FindColumn(columns, *parsed)) return *parsed;
    return std::nullopt;
}

std::optional<int64_t> ParseTimestampMicros(std::string_view text) {
    Cursor c(text);
    int64_t days = 0;
    if (!ParseDate(c, &days)) return std::nullopt;
    int64_t micros = days * kMicrosPerDay;
    if (c.Take('T') || c.Take(' ')) {
        int64_t hh = 0, mm = 0, ss = 0, frac = 0;
        if (!c.Digits(2, &hh) || !c.Take(':') || !c.Digits(2, &mm)) return std::nullopt;
        if (c.Take(':')) {
            if (!c.Digits(2, &ss)) return std::nullopt;
            if (c.Take('.') && !c.Fraction(&frac)) return std::nullopt;
        }
        if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
        micros += (hh * 3600 + mm * 60 + ss) * kMicrosPerSecond + frac;
    }
    int64_t offset = 0;
    if (!ParseZone(c, &offset)) return std::nullopt;
    return micros - offset;
}

std::optional<int64_t> ParseDateDays(std::string_view text) {
    if (!ParseTimestampMicros(text)) return std::nullopt;
    Cursor c(text);
    int64_t days = 0;
    ParseDate(c, &days);
    return days;
}

}  // namespace oc::tools::search
