// Options → the CLI's argv, and where the CLI is. Flag order follows the Python SDK (§1.4 of the
// protocol reference), with the Cortex Code flags (--connection, --profile, --no-mcp, ...) added.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "opencortex/errors.h"
#include "opencortex/transport.h"

namespace opencortex {
namespace {

std::string Join(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

bool IsExecutable(const std::string& path) {
  struct stat st{};
  return !path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

json McpServersJson(const std::map<std::string, McpServerConfig>& servers) {
  json out = json::object();
  for (const auto& [name, config] : servers) {
    json entry;
    if (const auto* stdio = std::get_if<McpStdioServer>(&config)) {
      entry = {{"type", "stdio"}, {"command", stdio->command}, {"args", stdio->args}};
      if (!stdio->env.empty()) entry["env"] = stdio->env;
    } else if (const auto* sse = std::get_if<McpSseServer>(&config)) {
      entry = {{"type", "sse"}, {"url", sse->url}};
      if (!sse->headers.empty()) entry["headers"] = sse->headers;
    } else {
      const auto& http = std::get<McpHttpServer>(config);
      entry = {{"type", "http"}, {"url", http.url}};
      if (!http.headers.empty()) entry["headers"] = http.headers;
    }
    out[name] = std::move(entry);
  }
  return json{{"mcpServers", std::move(out)}};
}

}  // namespace

std::string_view to_string(HookEvent event) {
  switch (event) {
    case HookEvent::kPreToolUse: return "PreToolUse";
    case HookEvent::kPostToolUse: return "PostToolUse";
    case HookEvent::kUserPromptSubmit: return "UserPromptSubmit";
    case HookEvent::kStop: return "Stop";
    case HookEvent::kSubagentStop: return "SubagentStop";
    case HookEvent::kNotification: return "Notification";
    case HookEvent::kPermissionRequest: return "PermissionRequest";
    case HookEvent::kPreCompact: return "PreCompact";
  }
  return "Unknown";
}

std::string_view to_string(PermissionMode mode) {
  switch (mode) {
    case PermissionMode::kDefault: return "default";
    case PermissionMode::kAcceptEdits: return "acceptEdits";
    case PermissionMode::kPlan: return "plan";
    case PermissionMode::kBypassPermissions: return "bypassPermissions";
  }
  return "default";
}

json HookOutput::to_json() const {
  json out = json::object();
  if (continue_) out["continue"] = *continue_;
  if (stop_reason) out["stopReason"] = *stop_reason;
  if (suppress_output) out["suppressOutput"] = *suppress_output;
  if (decision) out["decision"] = *decision;
  if (reason) out["reason"] = *reason;
  if (system_message) out["systemMessage"] = *system_message;
  if (!hook_specific_output.is_null()) out["hookSpecificOutput"] = hook_specific_output;
  return out;
}

std::vector<std::string> build_command_args(const Options& o) {
  std::vector<std::string> args = {"--output-format", "stream-json", "--verbose"};
  auto add = [&](std::string flag, std::string value) {
    args.push_back(std::move(flag));
    args.push_back(std::move(value));
  };
  if (std::holds_alternative<std::monostate>(o.system_prompt)) {
    add("--system-prompt", "");
  } else if (const auto* text = std::get_if<std::string>(&o.system_prompt)) {
    add("--system-prompt", *text);
  } else if (const auto& preset = std::get<SystemPromptPreset>(o.system_prompt); preset.append) {
    add("--append-system-prompt", *preset.append);
  }
  if (!o.allowed_tools.empty()) add("--allowedTools", Join(o.allowed_tools, ','));
  if (o.max_turns && *o.max_turns > 0) add("--max-turns", std::to_string(*o.max_turns));
  if (!o.disallowed_tools.empty()) add("--disallowedTools", Join(o.disallowed_tools, ','));
  if (o.model) add("--model", *o.model);
  if (o.connection) add("--connection", *o.connection);
  if (o.profile) add("--profile", *o.profile);
  if (o.can_use_tool) add("--permission-prompt-tool", "stdio");
  if (o.permission_mode) add("--permission-mode", std::string(to_string(*o.permission_mode)));
  if (o.dangerously_allow_all_tool_calls) args.emplace_back("--dangerously-allow-all-tool-calls");
  if (o.continue_conversation) args.emplace_back("--continue");
  // Equals form: an id starting with '-' can never be read as a flag.
  if (o.resume) args.push_back("--resume=" + *o.resume);
  if (o.session_id) args.push_back("--session-id=" + *o.session_id);
  for (const std::string& dir : o.add_dirs) add("--add-dir", dir);
  if (!o.mcp_servers.empty()) add("--mcp-config", McpServersJson(o.mcp_servers).dump());
  if (o.no_mcp) args.emplace_back("--no-mcp");
  if (o.include_partial_messages) args.emplace_back("--include-partial-messages");
  if (o.fork_session) args.emplace_back("--fork-session");
  if (o.setting_sources) args.push_back("--setting-sources=" + Join(*o.setting_sources, ','));
  for (const PluginConfig& plugin : o.plugins) add("--plugin-dir", plugin.path);
  for (const auto& [flag, value] : o.extra_args) {
    if (!value) {
      args.push_back("--" + flag);
    } else if (!value->empty() && (*value)[0] == '-') {
      args.push_back("--" + flag + "=" + *value);
    } else {
      add("--" + flag, *value);
    }
  }
  if (o.effort) add("--effort", *o.effort);
  if (o.output_format) {
    const json& format = *o.output_format;
    const json& schema = format.is_object() && format.value("type", "") == "json_schema" && format.contains("schema")
                             ? format["schema"]
                             : format;
    add("--json-schema", schema.dump());
  }
  add("--input-format", "stream-json");
  return args;
}

std::string find_cli(const Options& options) {
  if (options.cli_path) {
    if (!IsExecutable(*options.cli_path)) {
      throw CLINotFoundError("Cortex Code CLI not found at: " + *options.cli_path, *options.cli_path);
    }
    return *options.cli_path;
  }
  if (const char* env = std::getenv("CORTEX_CODE_CLI_PATH"); env != nullptr && *env != '\0') {
    if (!IsExecutable(env)) {
      throw CLINotFoundError(std::string("Cortex Code CLI not found at: ") + env + " (CORTEX_CODE_CLI_PATH)", env);
    }
    return env;
  }
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      if (dir.empty()) continue;
      std::string candidate = dir + "/cortex";
      if (IsExecutable(candidate)) return candidate;
    }
  }
  std::vector<std::string> fallbacks = {"/usr/local/bin/cortex"};
  if (const char* home = std::getenv("HOME"); home != nullptr) {
    fallbacks.insert(fallbacks.begin(), std::string(home) + "/.local/bin/cortex");
  }
  for (const std::string& candidate : fallbacks) {
    if (IsExecutable(candidate)) return candidate;
  }
  throw CLINotFoundError(
      "Cortex Code CLI not found. Put `cortex` on PATH, set CORTEX_CODE_CLI_PATH, or pass Options::cli_path.");
}

}  // namespace opencortex
