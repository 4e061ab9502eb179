// Flag table and parser for the coding-agent CLI.
#include "code/options.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

namespace oc::code {
namespace {

// Flags that take a value (accepted and ignored unless handled below).
const std::set<std::string, std::less<>> kValueFlags = {
    "model", "max-turns", "system-prompt", "system-prompt-file", "append-system-prompt",
    "append-system-prompt-file", "permission-mode", "permission-prompt-tool", "allowedTools",
    "allowed-tools", "disallowedTools", "disallowed-tools", "tools", "input-format",
    "output-format", "session-id", "workdir", "add-dir", "mcp-config", "connection", "profile",
    "effort", "json-schema", "setting-sources", "settings", "fallback-model", "betas",
    "max-budget-usd", "task-budget", "thinking", "thinking-display", "max-thinking-tokens",
    "agents", "agent", "resume-session-at", "resume-drops-turn", "plugin-dir",
    "plugin-dir-no-mcp", "channels", "debug-file", "permission-prompts", "project-config-root",
    "initialize-fields", "managed-settings", "file", "config", "cwd", "skills-file", "executor",
    "remote", "session"};

const std::set<std::string, std::less<>> kBoolFlags = {
    "verbose", "continue", "fork-session", "include-partial-messages", "include-hook-events",
    "strict-mcp-config", "session-mirror", "allow-dangerously-skip-permissions",
    "await-initialize", "no-session-persistence", "debug", "managed-settings-in-initialize",
    "dangerously-allow-all-tool-calls", "plan", "bypass", "no-mcp", "auto-accept-plans",
    "replay-user-messages", "private", "no-workspace", "cloud", "print", "version", "help"};

std::string LongName(char short_flag) {
    switch (short_flag) {
        case 'p': return "print";
        case 'v': case 'V': return "version";
        case 'h': return "help";
        case 'm': return "model";
        case 'c': return "connection";
        case 'w': return "workdir";
        case 'r': return "resume";
        case 'f': return "file";
        default: return {};
    }
}

bool ValidMode(const std::string& mode) {
    return mode == "default" || mode == "acceptEdits" || mode == "plan" ||
           mode == "bypassPermissions" || mode == "dontAsk" || mode == "auto";
}

Status Apply(CodeOptions& o, const std::string& name, const std::string& value) {
    if (name == "print") o.print = true;
    else if (name == "version") o.version = true;
    else if (name == "help") o.help = true;
    else if (name == "verbose") o.verbose = true;
    else if (name == "continue") o.continue_session = true;
    else if (name == "fork-session") o.fork_session = true;
    else if (name == "include-partial-messages") o.include_partial_messages = true;
    else if (name == "replay-user-messages") o.replay_user_messages = true;
    else if (name == "no-session-persistence") o.no_session_persistence = true;
    else if (name == "plan") o.permission_mode = "plan";
    else if (name == "bypass" || name == "dangerously-allow-all-tool-calls")
        o.permission_mode = "bypassPermissions";
    else if (name == "model") o.model = value;
    else if (name == "config") o.config_path = value;
    else if (name == "system-prompt") o.system_prompt = value;
    else if (name == "append-system-prompt") o.append_system_prompt = value;
    else if (name == "permission-prompt-tool") o.permission_prompt_tool = value;
    else if (name == "session-id") o.session_id = value;
    else if (name == "resume") o.resume = value;
    else if (name == "workdir" || name == "cwd") o.workdir = value;
    else if (name == "add-dir") o.add_dirs.push_back(value);
    else if (name == "mcp-config") o.mcp_configs.push_back(value);
    else if (name == "no-mcp") o.no_mcp = true;
    else if (name == "connection") o.connection = value;
    else if (name == "json-schema") o.json_schema = value;
    else if (name == "agents") o.agents_json = value;
    else if (name == "max-budget-usd") {
        char* end = nullptr;
        const double usd = std::strtod(value.c_str(), &end);
        if (value.empty() || *end != '\0' || !(usd >= 0))
            return MakeError(ErrorCode::kInvalidArgument,
                             "--max-budget-usd must be a non-negative number, got '" + value + "'");
        o.max_budget_usd = usd;
    }
    else if (name == "settings") o.settings = value;
    else if (name == "setting-sources") o.setting_sources = value;
    else if (name == "include-hook-events") o.include_hook_events = true;
    else if (name == "allowedTools" || name == "allowed-tools") {
        for (auto& rule : SplitToolList(value)) o.allowed_tools.push_back(rule);
    } else if (name == "disallowedTools" || name == "disallowed-tools") {
        for (auto& rule : SplitToolList(value)) o.disallowed_tools.push_back(rule);
    } else if (name == "tools") {
        o.tools = value == "default" ? std::nullopt
                                     : std::optional<std::vector<std::string>>(SplitToolList(value));
    } else if (name == "input-format") {
        if (value != "text" && value != "stream-json")
            return MakeError(ErrorCode::kInvalidArgument,
                             "--input-format must be text or stream-json, got '" + value + "'");
        o.input_format = value;
    } else if (name == "output-format") {
        if (value != "text" && value != "json" && value != "stream-json")
            return MakeError(ErrorCode::kInvalidArgument,
                             "--output-format must be text, json or stream-json, got '" + value + "'");
        o.output_format = value;
    } else if (name == "permission-mode") {
        if (!ValidMode(value))
            return MakeError(ErrorCode::kInvalidArgument,
                             "--permission-mode must be default, acceptEdits, plan or "
                             "bypassPermissions, got '" + value + "'");
        o.permission_mode = value == "auto" ? "default" : value;
    } else if (name == "max-turns") {
        char* end = nullptr;
        const long n = std::strtol(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || n < 0)
            return MakeError(ErrorCode::kInvalidArgument,
                             "--max-turns must be a non-negative integer, got '" + value + "'");
        o.max_turns = static_cast<int>(n);
    } else if (name == "file" || name == "system-prompt-file") {
        std::ifstream in(value);
        if (!in) return MakeError(ErrorCode::kNotFound, "--" + name + ": cannot read '" + value + "'");
        std::stringstream text;
        text << in.rdbuf();
        if (name == "file") {
            o.prompt = text.str();
            o.print = true;
        } else {
            o.system_prompt = text.str();
        }
    }
    return {};
}

}  // namespace

std::vector<std::string> SplitToolList(const std::string& value) {
    std::vector<std::string> out;
    std::string current;
    int depth = 0;
    for (char c : value) {
        if (c == '(') ++depth;
        if (c == ')' && depth > 0) --depth;
        const bool separator = depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n');
        if (!separator) {
            current.push_back(c);
            continue;
        }
        if (!current.empty()) out.push_back(current);
        current.clear();
    }
    if (!current.empty()) out.push_back(current);
    return out;
}

Result<CodeOptions> ParseCodeArgs(int argc, char** argv) {
    CodeOptions o;
    std::vector<std::string> positional;
    bool only_positional = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (only_positional || arg.size() < 2 || arg[0] != '-') {
            positional.push_back(arg);
            continue;
        }
        if (arg == "--") {
            only_positional = true;
            continue;
        }
        std::string name;
        std::optional<std::string> inline_value;
        if (arg.rfind("--", 0) == 0) {
            const size_t eq = arg.find('=');
            name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            if (eq != std::string::npos) inline_value = arg.substr(eq + 1);
        } else {
            name = arg.size() == 2 ? LongName(arg[1]) : std::string();
            if (name.empty()) {
                o.unknown_flags.push_back(arg);
                continue;
            }
        }
        const bool takes_value = kValueFlags.count(name) > 0 || name == "resume";
        if (!takes_value && kBoolFlags.count(name) == 0) {
            o.unknown_flags.push_back(arg);
            // An unknown `--k v` pair (extraArgs): skip its value too.
            if (!inline_value && i + 1 < argc && argv[i + 1][0] != '-') o.ignored_flags.push_back(argv[++i]);
            continue;
        }
        std::string value;
        if (takes_value) {
            if (inline_value) {
                value = *inline_value;
            } else if (name == "resume" && (i + 1 >= argc || argv[i + 1][0] == '-')) {
                value = "last";  // --resume without a value: the most recent session
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                return MakeError(ErrorCode::kInvalidArgument, "option --" + name + " needs a value");
            }
        }
        OC_TRY(Apply(o, name, value));
    }
    if (!positional.empty() && o.prompt.empty()) {
        for (size_t i = 0; i < positional.size(); ++i) o.prompt += (i ? " " : "") + positional[i];
    }
    if (o.config_path.empty()) {
        if (const char* env = std::getenv("CORTEX_CONFIG")) o.config_path = env;
    }
    return o;
}

}  // namespace oc::code
