// Test support: checks JSON values against the OpenAPI 3.0 schemas of Snowflake's REST API YAMLs
// (tests/data/snowflake-rest-api-specs), so integration tests can hold our wire format to theirs.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"

namespace oc::testing {

// Loads spec files lazily from one directory and validates values against schemas in them.
// Supported keywords: $ref (same file and cross-file, relative to the spec dir), type, nullable,
// required, properties, additionalProperties, items, enum, allOf/oneOf/anyOf, pattern
// (std::regex ECMAScript, unanchored, applied exactly as written), format date-time and uuid
// (loosely), min/maxLength, minimum/maximum, min/maxItems. readOnly, writeOnly, discriminator,
// default, example and description are ignored. Not thread-safe (caches documents and regexes).
class OpenApiValidator {
public:
    explicit OpenApiValidator(std::string spec_dir);
    ~OpenApiValidator();
    OpenApiValidator(const OpenApiValidator&) = delete;
    OpenApiValidator& operator=(const OpenApiValidator&) = delete;

    // Validates value against the schema at ref, "file.yaml#/json/pointer", e.g.
    // "common.yaml#/components/schemas/ErrorResponse". Returns one line per violation,
    // "$.path.to[0].field: why"; empty when the value conforms. A file that cannot be read or a
    // pointer that resolves to nothing is reported as a violation at "$", never thrown.
    std::vector<std::string> Validate(const Json& value, std::string_view ref);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The violations one per line, for gtest messages.
std::string JoinViolations(const std::vector<std::string>& violations);

}  // namespace oc::testing
