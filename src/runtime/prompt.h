// What the orchestration model reads: the system prompt built from the agent spec
// (instructions.system/orchestration/response, sample questions, tools), and the conversation
// converted from Cortex messages (reference agents-api.md §3.2) to provider messages.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "llm/provider.h"
#include "runtime/tool.h"

namespace oc::runtime {

std::string BuildSystemPrompt(const Json& agent_spec, const ToolSet& tools);

// Converts one Cortex message ({"role", "content": [items]}) and appends the provider messages
// it becomes: user text; assistant thinking/text/tool_use; tool_result items and client
// `tool_results` (either spelling) become tool messages. Unknown item types are skipped.
Status AppendCortexMessage(const Json& message, std::vector<llm::Message>* out);

// Converts a whole `messages` array (validated: objects with role user|assistant and a content
// array). kInvalidArgument names the offending index.
Result<std::vector<llm::Message>> ConvertMessages(const Json& messages);

// The question text of a user message (its text items joined), for thread payloads.
std::string MessageText(const Json& message);

}  // namespace oc::runtime
