// SDK callback hooks registered in `initialize.hooks` and run over the control channel as
// `hook_callback` requests (code-agent-protocol.md §2.6.2, §4). Events fired: UserPromptSubmit,
// PreToolUse, PostToolUse, Stop.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "llm/provider.h"

namespace oc::code {

class SessionHost;

struct HookMatcher {
    std::string event;
    std::string matcher;  // "" / "*" = every tool; else a regex (e.g. "Bash|Write") on the tool name
    std::vector<std::string> callback_ids;
};

// The merged effect of the hook outputs of one event.
struct HookOutcome {
    bool block = false;               // decision "block" or permissionDecision "deny"
    std::string reason;
    std::string permission_decision;  // PreToolUse: "", allow, deny, ask
    Json updated_input;               // PreToolUse: null = unchanged
    bool stop = false;                // continue: false
    std::string stop_reason;
    std::string additional_context;
};

// Parses initialize.hooks ({"PreToolUse":[{"matcher":"Bash","hookCallbackIds":["hook_0"]}]}).
std::vector<HookMatcher> ParseHooks(const Json& hooks);

// Sends one hook_callback per matching callback id (in registration order) and merges the
// answers; an error answer is a non-blocking failure. `input` gets the common fields added by
// the caller (session_id, cwd, ...).
HookOutcome RunHooks(SessionHost& host, const std::vector<HookMatcher>& hooks, const std::string& event,
                     const std::string& tool_name, const Json& input, const std::string& tool_use_id,
                     const llm::CancelToken& cancel);

}  // namespace oc::code
