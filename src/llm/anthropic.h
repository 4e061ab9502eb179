// Anthropic Messages API over HTTP + SSE (POST {base_url}/v1/messages, stream: true), with
// tool_use / tool_result blocks and extended thinking.
#pragma once

#include <memory>

#include "common/json.h"
#include "llm/provider.h"
#include "llm/upstream.h"

namespace oc::llm {

// Sends `x-api-key: <api_key>` (when non-empty) and `anthropic-version: 2023-06-01`.
std::unique_ptr<Provider> MakeAnthropicProvider(UpstreamOptions options);

// The request body. reasoning_effort low/medium/high enables thinking with a budget of
// 1024/4096/16384 tokens (max_tokens is raised above it); thinking is left off when the tool
// choice forces a tool, which the API does not allow together with thinking.
Json BuildAnthropicBody(const ChatRequest& request);

}  // namespace oc::llm
