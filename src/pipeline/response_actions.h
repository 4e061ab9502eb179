// dlt's endpoint `response_actions` (reference pipeline.md §6.1), in the forms a pipeline file
// can express. Each entry: {status_code?, content?, action}; both keys → both must match, only
// status_code → equal, only content → substring of the body. Actions:
//   ignore — dlt: this response and the rest of its request chain yield nothing;
//   retry  — cortex extension: handle like a 429 (backoff, Retry-After), e.g. a 200 that says
//            "try again later";
//   fail   — cortex extension: the run fails with this response, even a 2xx.
// dlt's callables (a bare hook, `action: <callable>` or a list of them) are Python code and
// are rejected with an error naming the key.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "pipeline/config.h"

namespace oc::pipeline {

// ResponseAction / ResponseActionKind live in config.h (parsed with the endpoint).

// Validates a `response_actions` value; `at` names the key in errors
// (e.g. `resources[0].endpoint.response_actions`).
Result<std::vector<ResponseAction>> ParseResponseActions(const Json& value, const std::string& at);

// The first matching action's kind, in list order; nullopt when none matches.
std::optional<ResponseActionKind> MatchResponseAction(const std::vector<ResponseAction>& actions,
                                                      int status, const std::string& body);

}  // namespace oc::pipeline
