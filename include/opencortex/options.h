// opencortex C++ agent SDK: session options, hooks and the tool-permission callback.
#ifndef OPENCORTEX_OPTIONS_H_
#define OPENCORTEX_OPTIONS_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "opencortex/types.h"

namespace opencortex {

// ---------------------------------------------------------------------------------------------
// Hooks.

// The hook events the CLI fires. Names on the wire are the enumerator names without the `k`.
enum class HookEvent {
  kPreToolUse,
  kPostToolUse,
  kUserPromptSubmit,
  kStop,
  kSubagentStop,
  kNotification,
  kPermissionRequest,
  kPreCompact,
};

std::string_view to_string(HookEvent event);

// Fields every hook input carries. `raw` is the whole input object from the CLI.
struct BaseHookInput {
  std::string hook_event_name;
  std::string session_id;
  std::string transcript_path;
  std::string cwd;
  std::optional<std::string> permission_mode;
  json raw;
};

struct PreToolUseHookInput : BaseHookInput {
  std::string tool_name;
  json tool_input;
  std::optional<std::string> tool_use_id;
};

struct PostToolUseHookInput : BaseHookInput {
  std::string tool_name;
  json tool_input;
  json tool_response;
  std::optional<std::string> tool_use_id;
};

struct UserPromptSubmitHookInput : BaseHookInput {
  std::string prompt;
};

struct StopHookInput : BaseHookInput {
  bool stop_hook_active = false;
};

struct SubagentStopHookInput : BaseHookInput {
  bool stop_hook_active = false;
  std::optional<std::string> agent_id;
  std::optional<std::string> agent_transcript_path;
  std::optional<std::string> agent_type;
};

struct NotificationHookInput : BaseHookInput {
  std::string message;
  std::optional<std::string> notification_type;
  std::optional<std::string> title;
};

struct PermissionRequestHookInput : BaseHookInput {
  std::string tool_name;
  json tool_input;
  json permission_suggestions;
};

struct PreCompactHookInput : BaseHookInput {
  std::string trigger;  // manual | auto
  std::optional<std::string> custom_instructions;
};

// An event this SDK version does not type; `hook_event_name` and `raw` say what it was.
struct UnknownHookInput : BaseHookInput {};

using HookInput = std::variant<PreToolUseHookInput, PostToolUseHookInput, UserPromptSubmitHookInput,
                               StopHookInput, SubagentStopHookInput, NotificationHookInput,
                               PermissionRequestHookInput, PreCompactHookInput, UnknownHookInput>;

// The base fields of any HookInput.
const BaseHookInput& base_of(const HookInput& input);

// Passed to every hook callback; reserved for cancellation.
struct HookContext {
  bool cancelled = false;
};

// What a hook answers. Unset fields are not sent; an all-empty output means "no opinion".
struct HookOutput {
  std::optional<bool> continue_;           // false stops the agent after this hook
  std::optional<std::string> stop_reason;  // shown when continue_ is false
  std::optional<bool> suppress_output;
  std::optional<std::string> decision;  // "block"
  std::optional<std::string> reason;
  std::optional<std::string> system_message;
  json hook_specific_output;  // e.g. {"hookEventName":"PreToolUse","permissionDecision":"deny"}

  // The wire object (`continue`, `stopReason`, `hookSpecificOutput`, ...).
  json to_json() const;
};

using HookCallback =
    std::function<HookOutput(const HookInput& input, const std::optional<std::string>& tool_use_id,
                             HookContext& context)>;

// Callbacks for one event, optionally limited to tools matching `matcher` ("Bash", "Write|Edit").
struct HookMatcher {
  std::optional<std::string> matcher;
  std::vector<HookCallback> hooks;
  std::optional<double> timeout_seconds;
};

// ---------------------------------------------------------------------------------------------
// Tool permissions.

// Context of a can_use_tool request.
struct ToolPermissionContext {
  std::optional<std::string> tool_use_id;
  json suggestions;  // PermissionUpdate objects the CLI suggests, or null
  std::optional<std::string> blocked_path;
  std::optional<std::string> decision_reason;
  std::optional<std::string> agent_id;
  json raw;  // the whole request
};

struct PermissionResultAllow {
  std::optional<json> updated_input;  // absent: run with the original input
  std::optional<json> updated_permissions;
};

struct PermissionResultDeny {
  std::string message;
  bool interrupt = false;  // true also ends the turn
};

using PermissionResult = std::variant<PermissionResultAllow, PermissionResultDeny>;

using CanUseTool = std::function<PermissionResult(const std::string& tool_name, const json& input,
                                                  const ToolPermissionContext& context)>;

// ---------------------------------------------------------------------------------------------
// MCP servers (external ones; the CLI connects to them).

struct McpStdioServer {
  std::string command;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
};

struct McpSseServer {
  std::string url;
  std::map<std::string, std::string> headers;
};

struct McpHttpServer {
  std::string url;
  std::map<std::string, std::string> headers;
};

using McpServerConfig = std::variant<McpStdioServer, McpSseServer, McpHttpServer>;

// ---------------------------------------------------------------------------------------------
// Options.

// Keep the CLI's default system prompt and append text to it.
struct SystemPromptPreset {
  std::optional<std::string> append;
};

struct PluginConfig {
  std::string path;  // a local plugin directory
};

enum class PermissionMode { kDefault, kAcceptEdits, kPlan, kBypassPermissions };

std::string_view to_string(PermissionMode mode);

// How a session is started. Every field is optional; defaults match the Python SDK.
struct Options {
  std::optional<std::string> cwd;
  std::optional<std::string> model;       // "auto", "offline", a model name
  std::optional<std::string> connection;  // connection name for --connection
  std::optional<std::string> profile;
  std::optional<PermissionMode> permission_mode;
  bool dangerously_allow_all_tool_calls = false;
  std::vector<std::string> allowed_tools;
  std::vector<std::string> disallowed_tools;
  std::optional<int> max_turns;
  std::optional<std::string> effort;  // minimal | low | medium | high | max
  // Not set: `--system-prompt ""` (no default prompt). A string: full override. A preset: keep the
  // default prompt, optionally with text appended.
  std::variant<std::monostate, std::string, SystemPromptPreset> system_prompt;
  bool continue_conversation = false;
  std::optional<std::string> resume;
  bool fork_session = false;
  std::vector<std::string> add_dirs;
  std::map<std::string, std::string> env;  // merged over the parent environment
  std::vector<PluginConfig> plugins;
  std::map<std::string, McpServerConfig> mcp_servers;
  std::map<HookEvent, std::vector<HookMatcher>> hooks;
  CanUseTool can_use_tool;  // routes permission prompts to the caller (--permission-prompt-tool stdio)
  bool include_partial_messages = false;
  std::optional<json> output_format;  // {"type":"json_schema","schema":{...}} or the schema itself
  bool no_mcp = false;
  std::optional<std::string> session_id;
  std::optional<std::vector<std::string>> setting_sources;  // user, project, local
  std::optional<std::string> cli_path;
  // Extra flags: {"flag", nullopt} → --flag; {"k", "v"} → --k v (or --k=v when v starts with '-').
  std::map<std::string, std::optional<std::string>> extra_args;
  std::function<void(const std::string& line)> stderr_callback;
  // Seconds to wait for the initialize response and other control responses.
  double control_timeout_seconds = 60.0;
};

}  // namespace opencortex

#endif  // OPENCORTEX_OPTIONS_H_
