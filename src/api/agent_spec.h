// Splitting and validating a Cortex Agent create/update body (reference agents-api.md §2.1,
// §2.6). The spec keeps every field the client sent, in order, including unknown ones.
#pragma once

#include <optional>
#include <string>

#include "common/json.h"
#include "common/result.h"

namespace oc::api {

struct AgentBody {
    std::string name;           // stored form; empty on update
    std::optional<std::string> comment;
    std::optional<Json> profile;
    Json spec = Json::object();  // every other top-level field, verbatim
};

// Splits a body object into name/comment/profile and the spec. require_name: create.
Result<AgentBody> SplitAgentBody(const Json& body, bool require_name);

// Checks the spec's known fields: tools (tool_spec.type/name strings, unique names),
// tool_resources (object), orchestration.budget (positive integers), models.orchestration
// (string), instructions (object). Unknown fields and unmatched tool_resources keys are kept.
Status ValidateAgentSpec(const Json& spec);

}  // namespace oc::api
