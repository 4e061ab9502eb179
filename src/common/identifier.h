// Snowflake identifiers: unquoted names resolve upper-case, "quoted" names keep case and use ""
// for a literal quote (reference agents-api.md §1.6). One parser for the API, store and SQL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace oc {

inline constexpr size_t kMaxIdentifierLength = 255;

// Normalises a raw identifier to its stored form (unquoted, case resolved).
Result<std::string> ParseIdentifier(std::string_view raw);

// Splits DB.SCHEMA.NAME on dots outside quotes and normalises each part (1..3 parts).
Result<std::vector<std::string>> ParseQualifiedName(std::string_view raw);

// Double-quotes a stored name for SQL, doubling embedded quotes.
std::string QuoteIdentifier(std::string_view stored);

// SQL string literal with single quotes doubled.
std::string QuoteLiteral(std::string_view text);

// Splits "name:verb" at the last ':' outside double quotes; verb is empty when there is none.
void SplitCustomMethod(std::string_view segment, std::string* name, std::string* verb);

}  // namespace oc
