#include "tools/analyst/time_phrases.h"

#include <cstdlib>

namespace oc::tools::analyst {
namespace {

Grain UnitOf(const std::string& stem) {
    if (stem == "day" || stem == "date") return Grain::kDay;
    if (stem == "week") return Grain::kWeek;
    if (stem == "month") return Grain::kMonth;
    if (stem == "quarter") return Grain::kQuarter;
    if (stem == "year") return Grain::kYear;
    return Grain::kNone;
}

Grain AdjectiveGrain(const std::string& raw) {
    if (raw == "daily") return Grain::kDay;
    if (raw == "weekly") return Grain::kWeek;
    if (raw == "monthly") return Grain::kMonth;
    if (raw == "quarterly") return Grain::kQuarter;
    if (raw == "yearly" || raw == "annual" || raw == "annually") return Grain::kYear;
    return Grain::kNone;
}

bool IsNumber(const std::string& s) {
    return !s.empty() && s.size() <= 4 && s.find_first_not_of("0123456789") == std::string::npos;
}

bool IsYear(const std::string& s) {
    if (s.size() != 4 || !IsNumber(s)) return false;
    int y = std::atoi(s.c_str());
    return y >= 1900 && y <= 2199;
}

std::string Interval(int n, Grain unit) {
    switch (unit) {
        case Grain::kDay:
            return "INTERVAL " + std::to_string(n) + " DAY";
        case Grain::kWeek:
            return "INTERVAL " + std::to_string(7 * n) + " DAY";
        case Grain::kMonth:
            return "INTERVAL " + std::to_string(n) + " MONTH";
        case Grain::kQuarter:
            return "INTERVAL " + std::to_string(3 * n) + " MONTH";
        case Grain::kYear:
            return "INTERVAL " + std::to_string(n) + " YEAR";
        case Grain::kNone:
            break;
    }
    return "INTERVAL 0 DAY";
}

}  // namespace

TimePhrases FindTimePhrases(const std::vector<QuestionToken>& tokens, std::vector<bool>* used) {
    used->resize(tokens.size(), false);
    TimePhrases out;
    auto mark = [&](size_t from, size_t to) {
        for (size_t k = from; k < to && k < tokens.size(); ++k) (*used)[k] = true;
    };
    auto raw = [&](size_t i) -> const std::string& {
        static const std::string kEmpty;
        return i < tokens.size() ? tokens[i].raw : kEmpty;
    };
    auto stem = [&](size_t i) -> const std::string& {
        static const std::string kEmpty;
        return i < tokens.size() ? tokens[i].stem : kEmpty;
    };
    for (size_t i = 0; i < tokens.size(); ++i) {
        const std::string& w = raw(i);
        bool back = w == "last" || w == "past" || w == "previous" || w == "prior";
        if (back && IsNumber(raw(i + 1)) && UnitOf(stem(i + 2)) != Grain::kNone &&
            !IsYear(raw(i + 1))) {
            out.range = {TimeRange::Kind::kRolling, std::atoi(raw(i + 1).c_str()),
                         UnitOf(stem(i + 2)), 0};
            mark(i, i + 3);
        } else if (back && UnitOf(stem(i + 1)) != Grain::kNone && stem(i + 1) != "date") {
            Grain unit = UnitOf(stem(i + 1));
            out.range.kind =
                unit == Grain::kDay ? TimeRange::Kind::kYesterday : TimeRange::Kind::kPrevious;
            out.range.unit = unit;
            mark(i, i + 2);
        } else if ((w == "this" || w == "current") && UnitOf(stem(i + 1)) != Grain::kNone) {
            out.range = {TimeRange::Kind::kCurrent, 0, UnitOf(stem(i + 1)), 0};
            if (out.range.unit == Grain::kDay) out.range.kind = TimeRange::Kind::kToday;
            mark(i, i + 2);
        } else if (w == "ytd" || (w == "year" && raw(i + 1) == "to" && raw(i + 2) == "date")) {
            out.range = {TimeRange::Kind::kCurrent, 0, Grain::kYear, 0};
            mark(i, w == "ytd" ? i + 1 : i + 3);
        } else if (w == "mtd" || w == "qtd") {
            out.range = {TimeRange::Kind::kCurrent, 0, w == "mtd" ? Grain::kMonth : Grain::kQuarter,
                         0};
            mark(i, i + 1);
        } else if (w == "today") {
            out.range.kind = TimeRange::Kind::kToday;
            mark(i, i + 1);
        } else if (w == "yesterday") {
            out.range.kind = TimeRange::Kind::kYesterday;
            mark(i, i + 1);
        } else if (IsYear(w)) {
            out.range = {TimeRange::Kind::kYear, 0, Grain::kYear, std::atoi(w.c_str())};
            mark(i, i + 1);
        } else if (AdjectiveGrain(w) != Grain::kNone) {
            out.grain = AdjectiveGrain(w);
            mark(i, i + 1);
        } else if ((w == "by" || w == "per" || w == "each" || w == "every") &&
                   UnitOf(stem(i + 1)) != Grain::kNone && stem(i + 1) != "date") {
            out.grain = UnitOf(stem(i + 1));
            mark(i, i + 2);
        } else if (w == "trend" || w == "trends" || (w == "over" && raw(i + 1) == "time")) {
            if (out.grain == Grain::kNone) out.grain = Grain::kMonth;
            mark(i, w == "over" ? i + 2 : i + 1);
        }
    }
    return out;
}

std::string GrainName(Grain g) {
    switch (g) {
        case Grain::kDay:
            return "day";
        case Grain::kWeek:
            return "week";
        case Grain::kMonth:
            return "month";
        case Grain::kQuarter:
            return "quarter";
        case Grain::kYear:
            return "year";
        case Grain::kNone:
            break;
    }
    return "";
}

std::string RangePredicate(const TimeRange& r, const std::string& col) {
    const std::string unit = GrainName(r.unit);
    switch (r.kind) {
        case TimeRange::Kind::kNone:
            return "";
        case TimeRange::Kind::kRolling:
            return col + " >= CURRENT_DATE - " + Interval(r.count, r.unit);
        case TimeRange::Kind::kPrevious: {
            std::string start = "DATE_TRUNC('" + unit + "', CURRENT_DATE)";
            return col + " >= " + start + " - " + Interval(1, r.unit) + " AND " + col + " < " +
                   start;
        }
        case TimeRange::Kind::kCurrent:
            return col + " >= DATE_TRUNC('" + unit + "', CURRENT_DATE)";
        case TimeRange::Kind::kToday:
            return col + " >= CURRENT_DATE AND " + col + " < CURRENT_DATE + INTERVAL 1 DAY";
        case TimeRange::Kind::kYesterday:
            return col + " >= CURRENT_DATE - INTERVAL 1 DAY AND " + col + " < CURRENT_DATE";
        case TimeRange::Kind::kYear:
            return col + " >= DATE '" + std::to_string(r.year) + "-01-01' AND " + col +
                   " < DATE '" + std::to_string(r.year + 1) + "-01-01'";
    }
    return "";
}

std::string DescribeRange(const TimeRange& r) {
    const std::string unit = GrainName(r.unit);
    switch (r.kind) {
        case TimeRange::Kind::kNone:
            return "";
        case TimeRange::Kind::kRolling:
            return "the past " + std::to_string(r.count) + " " + unit + (r.count == 1 ? "" : "s");
        case TimeRange::Kind::kPrevious:
            return "the previous " + unit;
        case TimeRange::Kind::kCurrent:
            return "this " + unit + " to date";
        case TimeRange::Kind::kToday:
            return "today";
        case TimeRange::Kind::kYesterday:
            return "yesterday";
        case TimeRange::Kind::kYear:
            return std::to_string(r.year);
    }
    return "";
}

}  // namespace oc::tools::analyst
