// Snowflake SQL API bindings onto DuckDB prepared-statement parameters (reference sql-api.md
// §2.2.1): {"1": {"type": "FIXED", "value": "123"}, "name": {...}}. Every value is a string;
// DATE is epoch milliseconds, TIME nanoseconds since midnight, TIMESTAMP_* epoch nanoseconds.
#pragma once

#include "common/json.h"
#include "common/result.h"

namespace oc::store {

class Prepared;

// Wire codes: a value that does not parse as its type, and a parameter with no binding.
inline constexpr const char* kBadBindValueCode = "100037";
inline constexpr const char* kMissingBindCode = "002049";

// Binds every parameter of `prepared` from `bindings` (a JSON object; null = none). Positional
// parameters (?, $1, :1) take the key "N"; named ones ($name, :name) the key "name" (exact
// first, then ignoring case). Errors are kInvalidArgument with HTTP 422: 100037
// "<TYPE> value '<v>' is not recognized" or 002049 for a parameter without a binding.
Status ApplyBindings(Prepared& prepared, const Json& bindings);

}  // namespace oc::store
