// A small JSON Schema validator for the structured output of `--json-schema`: the keywords
// type, properties, required, items, enum, const, additionalProperties, minItems, maxItems,
// minLength, maxLength, minimum, maximum, anyOf. Other keywords are ignored (accepted).
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"

namespace oc::code {

// Every violation of `schema` by `value`, each as "<path>: <what>" with path like $.items[2].name;
// empty when the value conforms.
std::vector<std::string> ValidateJsonSchema(const Json& schema, const Json& value);

// Checks that a --json-schema value is usable: a JSON object whose "type" (when present) is
// "object". kInvalidArgument naming the problem otherwise.
Status CheckStructuredOutputSchema(const Json& schema);

}  // namespace oc::code
