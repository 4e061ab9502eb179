// dlt's snake_case naming convention (reference pipeline.md §7.1): identifiers and `__` paths.
#pragma once

#include <string>
#include <string_view>

namespace oc::pipeline {

// Normalizes one identifier: `userID` → `user_id`, `123abc` → `_123abc`, `trail_` → `trailx`.
std::string NormalizeIdentifier(std::string_view name);

// Normalizes a `__`-separated path part by part; empty parts are dropped (`__meta` → `meta`).
std::string NormalizePath(std::string_view path);

// Longest identifier a destination accepts (postgres 63, duckdb 65536); 0 = no limit.
size_t MaxIdentifierLength(std::string_view destination);

// dlt's shortening (reference §7.1.1): when `normalized` is longer than max_length (> 0), keeps
// its first ceil((max-6)/2) and last floor((max-6)/2) characters around a 6-character tag, the
// lower-case base64 ('/'→'a', '+'→'b') of a 4-byte SHAKE-128 of `original`. For a nested table
// or a flattened column, `original` is the whole unshortened `__` path of normalized parts.
std::string ShortenIdentifier(std::string normalized, std::string_view original,
                              size_t max_length);

// NormalizeIdentifier / NormalizePath, then shortened with the raw name as the original.
std::string NormalizeIdentifier(std::string_view name, size_t max_length);
std::string NormalizePath(std::string_view path, size_t max_length);

}  // namespace oc::pipeline
