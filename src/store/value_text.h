// Exact text forms of SQL values for the SQL API wire (reference sql-api.md §2.5, §2.11): integers
// of any width, scaled decimals, epoch seconds with 9 digits, ISO dates for JSON, hex, JSON strings.
// Everything is built from integers; nothing goes through double except DOUBLE itself.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace oc::store {

std::string Int128ToString(__int128 value);
std::string Uint128ToString(unsigned __int128 value);

// The unscaled integer printed with exactly `scale` fractional digits: (125, 2) → "1.25",
// (-5, 2) → "-0.05", (7, 0) → "7".
std::string FormatScaled(__int128 unscaled, int scale);

// `units` counted at `units_per_second` (1, 1000, 10^6 or 10^9) as "[-]S.fffffffff"; negative
// values are the signed exact decimal (-0.5 s → "-0.500000000").
std::string FormatEpochSeconds(int64_t units, int64_t units_per_second);

// Shortest round-trip text; "NaN", "inf", "-inf" for the special values.
std::string FormatDouble(double value);
std::string FormatFloat(float value);

// Upper-case hex of raw bytes.
std::string HexUpper(std::string_view bytes);

// Canonical lower-case 8-4-4-4-12 from DuckDB's UUID storage (a hugeint whose top bit is flipped).
std::string FormatUuid(int64_t upper, uint64_t lower);

// DuckDB's VARCHAR forms, used inside JSON of nested values: "2024-03-05" (years before 1 as
// "0045-03-15 (BC)"), "10:15:30.25", "2024-03-05 10:15:30.25".
std::string FormatIsoDate(int32_t days);
std::string FormatIsoTime(int64_t micros);
std::string FormatIsoTimestamp(int64_t micros);

// Appends s as a JSON string literal (quotes, backslash and control characters escaped).
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace oc::store
