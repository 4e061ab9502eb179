// Hooks (code-agent-protocol.md §4): SDK callbacks registered in `initialize.hooks` and run over
// the control channel as `hook_callback` requests, and shell-command hooks from settings files
// (`hooks: {Event: [{matcher, hooks: [{type: "command", command, timeout}]}]}`, settings.h).
// Events fired: UserPromptSubmit, PreToolUse, PostToolUse, PostToolUseFailure, Stop,
// SubagentStop, Notification, PermissionRequest, PreCompact.
//
// Command hooks get the hook input JSON on stdin, run with `sh -c` in the session cwd (env
// CORTEX_PROJECT_DIR / CLAUDE_PROJECT_DIR = cwd). Exit 0: stdout that is a JSON object is a hook
// output (same fields as an SDK callback answer); other stdout is added as context for
// UserPromptSubmit. Exit 2: blocks, stderr is the reason. Other exit codes and timeouts are
// non-blocking failures (reported on stderr).
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "llm/provider.h"

namespace oc::code {

class SessionHost;

struct CommandHook {
    std::string command;  // run with sh -c
    int timeout_s = 60;
};

struct HookMatcher {
    std::string event;
    std::string matcher;  // "" / "*" = every tool; else a regex (e.g. "Bash|Write") on the tool name
    std::vector<std::string> callback_ids;  // SDK callbacks (hook_callback)
    std::vector<CommandHook> commands;      // settings-file shell hooks
    int timeout_s = 60;                     // SDK callbacks of this matcher
};

// The merged effect of the hook outputs of one event.
struct HookOutcome {
    bool block = false;               // decision "block", permissionDecision "deny" or exit code 2
    std::string reason;
    std::string permission_decision;  // PreToolUse: "", allow, deny, ask
    Json updated_input;               // PreToolUse: null = unchanged
    bool stop = false;                // continue: false
    std::string stop_reason;
    std::string additional_context;
    std::string system_message;       // systemMessage: shown to the user
    // PermissionRequest: hookSpecificOutput.decision ({behavior: allow|deny, updatedInput?,
    // message?, interrupt?}); null = no decision.
    Json permission_request = nullptr;
};

// Parses initialize.hooks ({"PreToolUse":[{"matcher":"Bash","hookCallbackIds":["hook_0"]}]}).
std::vector<HookMatcher> ParseHooks(const Json& hooks);
// Parses a settings file's `hooks` object (command hooks; other hook types are ignored).
std::vector<HookMatcher> ParseSettingsHooks(const Json& hooks);

// Runs every hook of `event` whose matcher matches tool_name (all of them for non-tool events):
// one hook_callback per SDK callback id and one process per command, all concurrently (as
// Claude Code does), and merges the answers in registration order: any block / deny wins (the
// first one gives the reason), additionalContext is concatenated. A callback gets the matcher's
// timeout (seconds), a command its own; an error answer or a timeout is a non-blocking failure. `input` must hold the common
// fields (session_id, transcript_path, cwd, permission_mode, hook_event_name) and the event's.
HookOutcome RunHooks(SessionHost& host, const std::vector<HookMatcher>& hooks, const std::string& event,
                     const std::string& tool_name, const Json& input, const std::string& tool_use_id,
                     const llm::CancelToken& cancel);

// --include-hook-events: command hooks also emit system/hook_started and system/hook_response
// frames (hook_id, hook_name, hook_event, output, stdout, stderr, exit_code, outcome) via the host.
void SetEmitHookEvents(bool on);

// True when some hook is registered for `event` (callers skip building the input otherwise).
bool HasHooks(const std::vector<HookMatcher>& hooks, const std::string& event);

// One command hook run: exit code (-1 = timeout or failure to start), stdout and stderr.
struct CommandResult {
    int exit_code = -1;
    bool timed_out = false;  // killed (with its process group) after timeout_s or on interrupt
    std::string out, err;
};
CommandResult RunHookCommand(const CommandHook& hook, const Json& input, const llm::CancelToken& cancel);

}  // namespace oc::code
