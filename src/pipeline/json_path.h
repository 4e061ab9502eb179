// The JSONPath subset used by data_selector, cursor_path and paginator paths (reference
// pipeline.md §4): `$`, `a.b`, `$.a.b`, `a[*]`, `a[0].b`, `['odd-key']`; plus dlt's auto-detection.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/result.h"

namespace oc::pipeline {

struct JsonPathStep {
    enum class Kind { kKey, kIndex, kWildcard };
    Kind kind = Kind::kKey;
    std::string key;
    long index = 0;
};

struct JsonPath {
    std::string text;
    std::vector<JsonPathStep> steps;  // empty = `$`
};

// Parses a path; a syntax error is kInvalidArgument naming the path and the offset.
Result<JsonPath> ParseJsonPath(std::string_view text);

// All matches in document order (wildcards expand lists and objects).
std::vector<const Json*> JsonPathFind(const JsonPath& path, const Json& doc);

// First match or nullptr.
const Json* JsonPathFirst(const JsonPath& path, const Json& doc);

// dlt's data-selector detection on a first response: `$` or a dotted path to a list.
std::string DetectDataSelector(const Json& body);

// The page's records for a selector (one list match → its items, one value → [value]).
std::vector<Json> SelectRecords(const JsonPath& path, const Json& body);

}  // namespace oc::pipeline
