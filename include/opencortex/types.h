// opencortex C++ agent SDK: the values that cross the wire.
//
// Messages and content blocks mirror the Cortex Code / Claude Code stream-json frames. Every
// typed struct keeps the frame it came from in `raw`, so fields this SDK does not model are never
// lost, and frames of an unknown `type` arrive as UnknownMessage instead of failing the stream.
#ifndef OPENCORTEX_TYPES_H_
#define OPENCORTEX_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace opencortex {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Content blocks (inside AssistantMessage / UserMessage content).

struct TextBlock {
  std::string text;
};

// Thinking blocks always carry a signature on the wire (it may be empty).
struct ThinkingBlock {
  std::string thinking;
  std::string signature;
};

struct ToolUseBlock {
  std::string id;
  std::string name;
  json input = json::object();
};

// `content` is a string, a list of blocks, or null, exactly as the CLI sent it.
struct ToolResultBlock {
  std::string tool_use_id;
  json content;
  std::optional<bool> is_error;
};

// A block type this SDK does not model (server_tool_use, images, ...), kept whole.
struct UnknownBlock {
  std::string type;
  json raw;
};

using ContentBlock = std::variant<TextBlock, ThinkingBlock, ToolUseBlock, ToolResultBlock, UnknownBlock>;

// ---------------------------------------------------------------------------------------------
// Messages (one per stdout frame of the CLI).

// Why an assistant turn failed, when the CLI says so in `error`.
enum class AssistantMessageError {
  kAuthenticationFailed,
  kBillingError,
  kRateLimit,
  kInvalidRequest,
  kServerError,
  kUnknown,
};

// Wire spelling ("rate_limit", ...) of an AssistantMessageError and back; unknown text → kUnknown.
std::string_view to_string(AssistantMessageError error);
AssistantMessageError assistant_error_from_string(std::string_view text);

// A user frame: the echo of a prompt, or the tool results the CLI sends back to the model.
struct UserMessage {
  // `content` as sent: a plain string prompt, or blocks.
  std::variant<std::string, std::vector<ContentBlock>> content;
  std::optional<std::string> uuid;
  std::optional<std::string> parent_tool_use_id;
  json tool_use_result;  // the tool's structured output, null when absent
  json raw;
};

// The model speaking: text, thinking and tool calls.
struct AssistantMessage {
  std::vector<ContentBlock> content;
  std::string model;
  std::optional<std::string> parent_tool_use_id;
  std::optional<AssistantMessageError> error;
  std::optional<std::string> message_id;
  std::optional<std::string> stop_reason;
  std::optional<std::string> session_id;
  std::optional<std::string> uuid;
  json usage;  // null when absent
  json raw;
};

// A system frame (init, status, hook events, ...). `data` is the whole frame.
struct SystemMessage {
  std::string subtype;
  json data;
};

// A subagent task started (system/task_started).
struct TaskStartedMessage : SystemMessage {
  std::string task_id;
  std::string description;
  std::string uuid;
  std::string session_id;
  std::optional<std::string> tool_use_id;
  std::optional<std::string> task_type;
};

// Progress of a running subagent task (system/task_progress).
struct TaskProgressMessage : SystemMessage {
  std::string task_id;
  std::string description;
  json usage;  // {total_tokens, tool_uses, duration_ms}
  std::string uuid;
  std::string session_id;
  std::optional<std::string> tool_use_id;
  std::optional<std::string> last_tool_name;
};

// A subagent task completed, failed or was stopped (system/task_notification).
struct TaskNotificationMessage : SystemMessage {
  std::string task_id;
  std::string status;  // completed | failed | stopped
  std::string output_file;
  std::string summary;
  std::string uuid;
  std::string session_id;
  std::optional<std::string> tool_use_id;
  json usage;
};

// The end of a turn: exactly one per turn. `is_error`/`subtype` say whether it succeeded.
struct ResultMessage {
  std::string subtype;  // success, error_max_turns, error_during_execution, ...
  int64_t duration_ms = 0;
  int64_t duration_api_ms = 0;
  bool is_error = false;
  int64_t num_turns = 0;
  std::string session_id;
  std::optional<std::string> stop_reason;
  std::optional<double> total_cost_usd;
  json usage;
  std::optional<std::string> result;
  json structured_output;  // null unless --json-schema was given
  json model_usage;
  json permission_denials;
  std::vector<std::string> errors;
  std::optional<std::string> uuid;
  std::optional<std::string> terminal_reason;
  json raw;
};

// A token-level streaming event (only with include_partial_messages).
struct StreamEvent {
  std::string uuid;
  std::string session_id;
  json event;  // a raw Anthropic streaming event
  std::optional<std::string> parent_tool_use_id;
  json raw;
};

// A rate_limit_event frame.
struct RateLimitEvent {
  std::string status;  // allowed | allowed_warning | rejected
  std::string uuid;
  std::string session_id;
  json raw;
};

// A frame whose `type` this SDK does not know; kept so newer CLIs never break older SDKs.
struct UnknownMessage {
  std::string type;
  json raw;
};

using Message = std::variant<UserMessage, AssistantMessage, SystemMessage, TaskStartedMessage,
                             TaskProgressMessage, TaskNotificationMessage, ResultMessage, StreamEvent,
                             RateLimitEvent, UnknownMessage>;

// The SystemMessage part of any system frame (including the task subclasses); null otherwise.
const SystemMessage* as_system(const Message& message);

// Concatenated text blocks of an assistant message; empty for other messages.
std::string text_of(const Message& message);

}  // namespace opencortex

#endif  // OPENCORTEX_TYPES_H_
