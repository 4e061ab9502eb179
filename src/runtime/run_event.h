// One event of an agent run and its SSE form (reference agents-api.md §3.3): the `id:` line is
// the per-run sequence number (1, 2, ...), the `data:` line one compact JSON object.
#pragma once

#include <cstdint>
#include <string>

#include "common/json.h"

namespace oc::runtime {

struct RunEvent {
    int64_t seq = 0;
    std::string name;  // "response.text.delta", "metadata", "done", ...
    std::string data;  // compact JSON text, or "[DONE]" for the terminal `done` event
};

// "id: 7\nevent: response.text.delta\ndata: {...}\n\n".
std::string RenderSse(const RunEvent& event);

// Event names of §3.4.
namespace events {
inline constexpr const char* kStatus = "response.status";
inline constexpr const char* kThinkingDelta = "response.thinking.delta";
inline constexpr const char* kThinking = "response.thinking";
inline constexpr const char* kTextDelta = "response.text.delta";
inline constexpr const char* kText = "response.text";
inline constexpr const char* kTextAnnotation = "response.text.annotation";
inline constexpr const char* kToolUse = "response.tool_use";
inline constexpr const char* kToolResultStatus = "response.tool_result.status";
inline constexpr const char* kToolResult = "response.tool_result";
inline constexpr const char* kWarning = "response.warning";
inline constexpr const char* kMetadata = "metadata";
inline constexpr const char* kError = "error";
inline constexpr const char* kResponse = "response";
inline constexpr const char* kDone = "done";
}  // namespace events

}  // namespace oc::runtime
