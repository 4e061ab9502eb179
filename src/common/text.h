// Small text utilities: SQL LIKE matching, URL percent-coding, query strings, case helpers.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace oc {

// SQL LIKE over the whole string, case-insensitive (ASCII): % any run, _ one character.
bool LikeMatch(std::string_view pattern, std::string_view text);

std::string ToUpperAscii(std::string_view s);
std::string ToLowerAscii(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Percent-decodes; '+' is kept as is (path semantics) unless plus_is_space.
std::string PercentDecode(std::string_view s, bool plus_is_space = false);
// Percent-encodes everything outside RFC 3986 unreserved characters.
std::string PercentEncode(std::string_view s);
// Lower-case hex of the bytes (two characters per byte).
std::string HexLower(std::string_view bytes);

// Parses "a=1&b=2" (values percent-decoded, '+' = space). Later duplicates win.
std::map<std::string, std::string> ParseQueryString(std::string_view query);

}  // namespace oc
