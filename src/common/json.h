// JSON helpers. Json keeps key insertion order so client documents round-trip unchanged.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace oc {

using Json = nlohmann::ordered_json;

// Parses text as JSON; malformed input is kInvalidArgument naming the byte offset.
Result<Json> ParseJson(std::string_view text);

// Compact serialization; invalid UTF-8 is replaced rather than thrown.
std::string DumpJson(const Json& value);

}  // namespace oc
