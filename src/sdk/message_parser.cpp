// Frame → typed message. Required keys follow the Python SDK's parser; everything else is optional
// and the whole frame is kept in `raw`.
#include "opencortex/message_parser.h"

#include <array>
#include <utility>

#include "opencortex/errors.h"

namespace opencortex {
namespace {

const json& Require(const json& object, const char* key, const char* what) {
  auto it = object.find(key);
  if (it == object.end()) {
    throw MessageParseError(std::string("missing required field '") + key + "' in " + what + " message");
  }
  return *it;
}

std::string RequireString(const json& object, const char* key, const char* what) {
  const json& value = Require(object, key, what);
  if (!value.is_string()) {
    throw MessageParseError(std::string("field '") + key + "' of " + what + " message is not a string");
  }
  return value.get<std::string>();
}

std::optional<std::string> OptString(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string StringOr(const json& object, const char* key, std::string fallback = "") {
  auto value = OptString(object, key);
  return value ? *value : std::move(fallback);
}

json Field(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? json() : *it;
}

int64_t IntOf(const json& value, const char* key, const char* what) {
  if (!value.is_number()) {
    throw MessageParseError(std::string("field '") + key + "' of " + what + " message is not a number");
  }
  return value.get<int64_t>();
}

std::vector<ContentBlock> ParseBlocks(const json& content, const char* what) {
  if (!content.is_array()) {
    throw MessageParseError(std::string("content of ") + what + " message is not a list");
  }
  std::vector<ContentBlock> blocks;
  blocks.reserve(content.size());
  for (const json& block : content) blocks.push_back(parse_content_block(block));
  return blocks;
}

Message ParseUser(const json& frame) {
  const json& message = Require(frame, "message", "user");
  const json& content = Require(message, "content", "user");
  UserMessage user;
  if (content.is_string()) {
    user.content = content.get<std::string>();
  } else {
    user.content = ParseBlocks(content, "user");
  }
  user.uuid = OptString(frame, "uuid");
  user.parent_tool_use_id = OptString(frame, "parent_tool_use_id");
  user.tool_use_result = Field(frame, "tool_use_result");
  user.raw = frame;
  return user;
}

Message ParseAssistant(const json& frame) {
  const json& message = Require(frame, "message", "assistant");
  AssistantMessage assistant;
  assistant.content = ParseBlocks(Require(message, "content", "assistant"), "assistant");
  assistant.model = RequireString(message, "model", "assistant");
  assistant.parent_tool_use_id = OptString(frame, "parent_tool_use_id");
  if (auto error = OptString(frame, "error")) assistant.error = assistant_error_from_string(*error);
  assistant.message_id = OptString(message, "id");
  assistant.stop_reason = OptString(message, "stop_reason");
  assistant.session_id = OptString(frame, "session_id");
  assistant.uuid = OptString(frame, "uuid");
  assistant.usage = Field(message, "usage");
  assistant.raw = frame;
  return assistant;
}

// The fields every system/task_* message carries.
template <typename T>
T ParseTaskCommon(const json& frame, const std::string& subtype) {
  T m;
  const char* what = subtype.c_str();
  m.task_id = RequireString(frame, "task_id", what);
  m.uuid = RequireString(frame, "uuid", what);
  m.session_id = RequireString(frame, "session_id", what);
  m.tool_use_id = OptString(frame, "tool_use_id");
  m.subtype = subtype;
  m.data = frame;
  return m;
}

Message ParseSystem(const json& frame) {
  std::string subtype = RequireString(frame, "subtype", "system");
  if (subtype == "task_started") {
    auto m = ParseTaskCommon<TaskStartedMessage>(frame, subtype);
    m.description = RequireString(frame, "description", "task_started");
    m.task_type = OptString(frame, "task_type");
    return m;
  }
  if (subtype == "task_progress") {
    auto m = ParseTaskCommon<TaskProgressMessage>(frame, subtype);
    m.description = RequireString(frame, "description", "task_progress");
    m.usage = Require(frame, "usage", "task_progress");
    m.last_tool_name = OptString(frame, "last_tool_name");
    return m;
  }
  if (subtype == "task_notification") {
    auto m = ParseTaskCommon<TaskNotificationMessage>(frame, subtype);
    m.status = RequireString(frame, "status", "task_notification");
    m.output_file = RequireString(frame, "output_file", "task_notification");
    m.summary = RequireString(frame, "summary", "task_notification");
    m.usage = Field(frame, "usage");
    return m;
  }
  return SystemMessage{std::move(subtype), frame};
}

Message ParseResult(const json& frame) {
  ResultMessage r;
  r.subtype = RequireString(frame, "subtype", "result");
  r.duration_ms = IntOf(Require(frame, "duration_ms", "result"), "duration_ms", "result");
  r.duration_api_ms = IntOf(Require(frame, "duration_api_ms", "result"), "duration_api_ms", "result");
  const json& is_error = Require(frame, "is_error", "result");
  if (!is_error.is_boolean()) throw MessageParseError("field 'is_error' of result message is not a boolean");
  r.is_error = is_error.get<bool>();
  r.num_turns = IntOf(Require(frame, "num_turns", "result"), "num_turns", "result");
  r.session_id = RequireString(frame, "session_id", "result");
  r.stop_reason = OptString(frame, "stop_reason");
  if (auto it = frame.find("total_cost_usd"); it != frame.end() && it->is_number()) {
    r.total_cost_usd = it->get<double>();
  }
  r.usage = Field(frame, "usage");
  r.result = OptString(frame, "result");
  r.structured_output = Field(frame, "structured_output");
  r.model_usage = Field(frame, "modelUsage");
  r.permission_denials = Field(frame, "permission_denials");
  if (auto it = frame.find("errors"); it != frame.end() && it->is_array()) {
    for (const json& e : *it) r.errors.push_back(e.is_string() ? e.get<std::string>() : e.dump());
  }
  r.uuid = OptString(frame, "uuid");
  r.terminal_reason = OptString(frame, "terminal_reason");
  r.raw = frame;
  return r;
}

Message ParseStreamEvent(const json& frame) {
  StreamEvent e;
  e.uuid = RequireString(frame, "uuid", "stream_event");
  e.session_id = RequireString(frame, "session_id", "stream_event");
  e.event = Require(frame, "event", "stream_event");
  e.parent_tool_use_id = OptString(frame, "parent_tool_use_id");
  e.raw = frame;
  return e;
}

Message ParseRateLimit(const json& frame) {
  RateLimitEvent e;
  e.status = RequireString(Require(frame, "rate_limit_info", "rate_limit_event"), "status", "rate_limit_event");
  e.uuid = RequireString(frame, "uuid", "rate_limit_event");
  e.session_id = RequireString(frame, "session_id", "rate_limit_event");
  e.raw = frame;
  return e;
}

template <typename T>
T FillBase(const json& input, T typed) {
  typed.hook_event_name = StringOr(input, "hook_event_name");
  typed.session_id = StringOr(input, "session_id");
  typed.transcript_path = StringOr(input, "transcript_path");
  typed.cwd = StringOr(input, "cwd");
  typed.permission_mode = OptString(input, "permission_mode");
  typed.raw = input;
  return typed;
}

}  // namespace

ContentBlock parse_content_block(const json& block) {
  if (!block.is_object()) throw MessageParseError("content block is not an object");
  std::string type = RequireString(block, "type", "content block");
  if (type == "text") return TextBlock{RequireString(block, "text", "text block")};
  if (type == "thinking") {
    return ThinkingBlock{RequireString(block, "thinking", "thinking block"), StringOr(block, "signature")};
  }
  if (type == "tool_use") {
    return ToolUseBlock{RequireString(block, "id", "tool_use block"), RequireString(block, "name", "tool_use block"),
                        Field(block, "input")};
  }
  if (type == "tool_result") {
    ToolResultBlock result{RequireString(block, "tool_use_id", "tool_result block"), Field(block, "content"),
                           std::nullopt};
    if (auto it = block.find("is_error"); it != block.end() && it->is_boolean()) result.is_error = it->get<bool>();
    return result;
  }
  return UnknownBlock{std::move(type), block};
}

Message parse_message(const json& frame) {
  if (!frame.is_object()) throw MessageParseError("message is not a JSON object");
  std::string type = RequireString(frame, "type", "a");
  if (type == "user") return ParseUser(frame);
  if (type == "assistant") return ParseAssistant(frame);
  if (type == "system") return ParseSystem(frame);
  if (type == "result") return ParseResult(frame);
  if (type == "stream_event") return ParseStreamEvent(frame);
  if (type == "rate_limit_event") return ParseRateLimit(frame);
  return UnknownMessage{std::move(type), frame};
}

HookInput parse_hook_input(const json& input) {
  if (!input.is_object()) throw MessageParseError("hook input is not an object");
  std::string event = StringOr(input, "hook_event_name");
  if (event == "PreToolUse") {
    PreToolUseHookInput h;
    h.tool_name = StringOr(input, "tool_name");
    h.tool_input = Field(input, "tool_input");
    h.tool_use_id = OptString(input, "tool_use_id");
    return FillBase(input, std::move(h));
  }
  if (event == "PostToolUse") {
    PostToolUseHookInput h;
    h.tool_name = StringOr(input, "tool_name");
    h.tool_input = Field(input, "tool_input");
    h.tool_response = Field(input, "tool_response");
    h.tool_use_id = OptString(input, "tool_use_id");
    return FillBase(input, std::move(h));
  }
  if (event == "UserPromptSubmit") {
    UserPromptSubmitHookInput h;
    h.prompt = StringOr(input, "prompt");
    return FillBase(input, std::move(h));
  }
  auto flag = [&](const char* key) {
    auto it = input.find(key);
    return it != input.end() && it->is_boolean() && it->get<bool>();
  };
  if (event == "Stop") {
    StopHookInput h;
    h.stop_hook_active = flag("stop_hook_active");
    return FillBase(input, std::move(h));
  }
  if (event == "SubagentStop") {
    SubagentStopHookInput h;
    h.stop_hook_active = flag("stop_hook_active");
    h.agent_id = OptString(input, "agent_id");
    h.agent_transcript_path = OptString(input, "agent_transcript_path");
    h.agent_type = OptString(input, "agent_type");
    return FillBase(input, std::move(h));
  }
  if (event == "Notification") {
    NotificationHookInput h;
    h.message = StringOr(input, "message");
    h.notification_type = OptString(input, "notification_type");
    h.title = OptString(input, "title");
    return FillBase(input, std::move(h));
  }
  if (event == "PermissionRequest") {
    PermissionRequestHookInput h;
    h.tool_name = StringOr(input, "tool_name");
    h.tool_input = Field(input, "tool_input");
    h.permission_suggestions = Field(input, "permission_suggestions");
    return FillBase(input, std::move(h));
  }
  if (event == "PreCompact") {
    PreCompactHookInput h;
    h.trigger = StringOr(input, "trigger");
    h.custom_instructions = OptString(input, "custom_instructions");
    return FillBase(input, std::move(h));
  }
  return FillBase(input, UnknownHookInput{});
}

// ---------------------------------------------------------------------------------------------
// Small helpers declared in types.h / options.h.

namespace {
constexpr std::array<std::pair<AssistantMessageError, std::string_view>, 6> kAssistantErrors{{
    {AssistantMessageError::kAuthenticationFailed, "authentication_failed"},
    {AssistantMessageError::kBillingError, "billing_error"},
    {AssistantMessageError::kRateLimit, "rate_limit"},
    {AssistantMessageError::kInvalidRequest, "invalid_request"},
    {AssistantMessageError::kServerError, "server_error"},
    {AssistantMessageError::kUnknown, "unknown"},
}};
}  // namespace

std::string_view to_string(AssistantMessageError error) {
  for (const auto& [value, text] : kAssistantErrors) {
    if (value == error) return text;
  }
  return "unknown";
}

AssistantMessageError assistant_error_from_string(std::string_view text) {
  for (const auto& [value, name] : kAssistantErrors) {
    if (name == text) return value;
  }
  return AssistantMessageError::kUnknown;
}

const SystemMessage* as_system(const Message& message) {
  return std::visit(
      [](const auto& m) -> const SystemMessage* {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_base_of_v<SystemMessage, T>) return &m;
        return nullptr;
      },
      message);
}

std::string text_of(const Message& message) {
  const auto* assistant = std::get_if<AssistantMessage>(&message);
  if (assistant == nullptr) return "";
  std::string text;
  for (const ContentBlock& block : assistant->content) {
    if (const auto* t = std::get_if<TextBlock>(&block)) text += t->text;
  }
  return text;
}

const BaseHookInput& base_of(const HookInput& input) {
  return std::visit([](const auto& h) -> const BaseHookInput& { return h; }, input);
}

}  // namespace opencortex
