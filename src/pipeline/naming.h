// dlt's snake_case naming convention (reference pipeline.md §7.1): identifiers and `__` paths.
#pragma once

#include <string>
#include <string_view>

namespace oc::pipeline {

// Normalizes one identifier: `userID` → `user_id`, `123abc` → `_123abc`, `trail_` → `trailx`.
std::string NormalizeIdentifier(std::string_view name);

// Normalizes a `__`-separated path part by part; empty parts are dropped (`__meta` → `meta`).
std::string NormalizePath(std::string_view path);

}  // namespace oc::pipeline
