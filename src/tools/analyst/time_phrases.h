// Time words of a question: a grain ("monthly", "by quarter") and a range ("last quarter" = the
// previous full calendar quarter, "past 30 days", "this year", "in 2024"), rendered as DuckDB
// predicates over a date/timestamp column.
#pragma once

#include <string>
#include <vector>

#include "tools/analyst/question_matcher.h"

namespace oc::tools::analyst {

enum class Grain { kNone, kDay, kWeek, kMonth, kQuarter, kYear };

struct TimeRange {
    enum class Kind { kNone, kRolling, kPrevious, kCurrent, kToday, kYesterday, kYear };
    Kind kind = Kind::kNone;
    int count = 0;  // kRolling: how many units
    Grain unit = Grain::kNone;
    int year = 0;  // kYear
};

struct TimePhrases {
    Grain grain = Grain::kNone;
    TimeRange range;
};

// Finds the time phrases and marks their tokens in *used (resized to tokens.size()).
TimePhrases FindTimePhrases(const std::vector<QuestionToken>& tokens, std::vector<bool>* used);

// "day", "week", "month", "quarter", "year" ("" for kNone).
std::string GrainName(Grain g);

// A WHERE predicate restricting column_sql to the range; "" for Kind::kNone.
std::string RangePredicate(const TimeRange& range, const std::string& column_sql);

// Words for the interpretation: "the previous quarter", "the past 30 days", "2024", ...
std::string DescribeRange(const TimeRange& range);

}  // namespace oc::tools::analyst
