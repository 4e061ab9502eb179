// Columns of a search service's source query: stored name and the value kind that decides how
// filters compare and how values appear in results (reference agents-api.md §7.1, §7.3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oc::tools::search {

enum class ColumnKind : uint8_t {
    kText = 0,
    kNumber = 1,
    kBoolean = 2,
    kDate = 3,       // values "YYYY-MM-DD"
    kTimestamp = 4,  // values "YYYY-MM-DDTHH:MM:SS[.f]" (+00:00 for TIMESTAMPTZ, UTC)
    kArray = 5,
    kObject = 6,
    kOther = 7,
};

struct ColumnInfo {
    std::string name;  // stored form: unquoted-style names upper-cased (agents-api.md §1.6)
    ColumnKind kind = ColumnKind::kOther;
};

// "TEXT", "NUMBER", "BOOLEAN", "DATE", "TIMESTAMP", "ARRAY", "OBJECT", "VARIANT".
const char* ColumnKindName(ColumnKind kind);

// The stored name a client's column reference means: an exact match first, then the reference
// read as an identifier (unquoted → upper case, "quoted" → as written). nullopt when unknown.
std::optional<std::string> ResolveColumn(std::string_view reference,
                                         const std::vector<ColumnInfo>& columns);

// The column named exactly `name`, or nullptr.
const ColumnInfo* FindColumn(const std::vector<ColumnInfo>& columns, std::string_view name);

// Dates and timestamps as comparable numbers: days since 1970-01-01 for "YYYY-MM-DD..." (time
// and zone ignored), and UTC microseconds for "YYYY-MM-DD[( |T)HH:MM[:SS[.f]]][Z|±HH[:MM]]"
// (no zone = UTC; a date alone = midnight). nullopt for anything else.
std::optional<int64_t> ParseDateDays(std::string_view text);
std::optional<int64_t> ParseTimestampMicros(std::string_view text);

}  // namespace oc::tools::search
