// Command-line options of the coding agent (`cortex` with no subcommand), parsed the way both
// agent SDKs send them: `--opt value` and `--opt=value`, empty values, repeated flags, any order
// (code-agent-protocol.md §1.4-1.6, §1.8).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace oc::code {

struct CodeOptions {
    bool print = false;          // -p/--print: one prompt, then exit
    bool version = false;        // -v/-V/--version
    bool help = false;           // -h/--help
    std::string prompt;          // positional words (or -f file contents)
    std::string input_format = "text";    // text | stream-json
    std::string output_format = "text";   // text | json | stream-json
    bool verbose = false;
    bool include_partial_messages = false;
    bool replay_user_messages = false;  // echo the host's user messages (with their uuid)
    std::string model;           // "" = the registry default ("auto")
    std::string config_path;     // cortex.toml with [models.*]; env CORTEX_CONFIG
    int max_turns = 0;           // 0 = unlimited
    std::optional<std::string> system_prompt;
    std::string append_system_prompt;
    std::string permission_mode = "default";  // default|acceptEdits|plan|bypassPermissions|dontAsk
    std::string permission_prompt_tool;       // "stdio" = can_use_tool round trips to the SDK
    std::vector<std::string> allowed_tools;
    std::vector<std::string> disallowed_tools;
    std::optional<std::vector<std::string>> tools;  // --tools base set; "" = none
    std::string workdir;         // -w/--workdir; default: the process cwd
    std::vector<std::string> add_dirs;
    std::vector<std::string> mcp_configs;  // --mcp-config (repeatable): JSON text or file
    bool no_mcp = false;
    std::string connection;      // -c/--connection NAME|PATH (SQL and CortexAgent tools)
    std::string json_schema;     // --json-schema JSON: the final answer's schema
    std::string agents_json;     // --agents JSON: {name: {description, prompt, tools, model}}
    double max_budget_usd = 0;   // --max-budget-usd; 0 = none
    std::string session_id;      // --session-id
    std::optional<std::string> resume;  // -r/--resume [id|last]
    bool continue_session = false;
    bool fork_session = false;
    bool no_session_persistence = false;
    std::optional<std::string> settings;         // --settings FILE|JSON
    std::optional<std::string> setting_sources;  // --setting-sources user,project,local ("" = none)
    bool include_hook_events = false;
    std::vector<std::string> ignored_flags;  // unknown flags tolerated in SDK mode
    std::vector<std::string> unknown_flags;  // unknown flags (an error outside SDK mode)

    bool SdkMode() const { return input_format == "stream-json"; }
};

// Parses argv[1..argc). kInvalidArgument for a missing value or a bad enum value; unknown flags
// are collected in unknown_flags (the caller decides; extraArgs may carry flags we do not know).
Result<CodeOptions> ParseCodeArgs(int argc, char** argv);

// Splits an --allowedTools value on commas and whitespace outside parentheses, so
// `Read,Bash(git status:*)` gives two rules.
std::vector<std::string> SplitToolList(const std::string& value);

}  // namespace oc::code
