// Hook matching, dispatch (SDK callbacks and shell commands) and output merging.
#include "code/hooks.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <regex>

#include "code/session.h"
#include "common/ids.h"

namespace oc::code {
namespace {

std::atomic<bool> g_emit_hook_events{false};

Json HookFrame(const std::string& subtype, const std::string& id, const std::string& event,
               const Json& input) {
    return {{"type", "system"}, {"subtype", subtype}, {"hook_id", id}, {"hook_name", event},
            {"hook_event", event}, {"session_id", input.value("session_id", "")}, {"uuid", NewUuid()}};
}

bool Matches(const HookMatcher& m, const std::string& tool_name) {
    if (m.matcher.empty() || m.matcher == "*" || tool_name.empty()) return true;
    try {
        return std::regex_match(tool_name, std::regex(m.matcher));
    } catch (const std::regex_error&) {
        return m.matcher == tool_name;
    }
}

void AddContext(HookOutcome* o, const std::string& context) {
    if (!context.empty()) o->additional_context += (o->additional_context.empty() ? "" : "\n") + context;
}

void Merge(const Json& out, HookOutcome* o) {
    if (!out.is_object()) return;
    if (out.contains("continue") && out["continue"].is_boolean() && !out["continue"].get<bool>()) {
        o->stop = true;
        o->stop_reason = out.value("stopReason", "");
    }
    const std::string decision = out.value("decision", "");
    if (decision == "block") {
        o->block = true;
        o->reason = out.value("reason", "Blocked by a hook");
    } else if (decision == "approve" && o->permission_decision.empty()) {
        o->permission_decision = "allow";  // deprecated PreToolUse spelling
    }
    if (out.contains("systemMessage") && out["systemMessage"].is_string())
        o->system_message += (o->system_message.empty() ? "" : "\n") + out["systemMessage"].get<std::string>();
    if (!out.contains("hookSpecificOutput") || !out["hookSpecificOutput"].is_object()) return;
    const Json& specific = out["hookSpecificOutput"];
    const std::string permission = specific.value("permissionDecision", "");
    if (permission == "deny") {
        o->block = true;
        o->reason = specific.value("permissionDecisionReason", "Denied by a PreToolUse hook");
    }
    if (permission == "deny" || (permission == "ask" && o->permission_decision != "deny") ||
        (permission == "allow" && o->permission_decision.empty()))
        o->permission_decision = permission;
    if (specific.contains("updatedInput") && specific["updatedInput"].is_object())
        o->updated_input = specific["updatedInput"];
    if (specific.contains("decision") && specific["decision"].is_object() &&
        (o->permission_request.is_null() || specific["decision"].value("behavior", "") == "deny"))
        o->permission_request = specific["decision"];
    if (specific.contains("additionalContext") && specific["additionalContext"].is_string())
        AddContext(o, specific["additionalContext"].get<std::string>());
}

// A command hook's result folded into the outcome (see hooks.h for the exit-code rules).
void MergeCommand(const std::string& event, const CommandHook& hook, const CommandResult& r, HookOutcome* o) {
    auto trim = [](std::string s) {
        while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
        return s;
    };
    if (r.exit_code == 0) {
        const std::string out = trim(r.out);
        Json parsed = out.empty() || out[0] != '{' ? Json() : Json::parse(out, nullptr, false);
        if (parsed.is_object()) Merge(parsed, o);
        else if (event == "UserPromptSubmit" || event == "SessionStart") AddContext(o, out);
        return;
    }
    if (r.exit_code == 2) {
        o->block = true;
        o->reason = trim(r.err).empty() ? "Blocked by a " + event + " hook" : trim(r.err);
        if (event == "PreToolUse") o->permission_decision = "deny";
        return;
    }
    std::fprintf(stderr, "warning: %s hook '%s' failed (%s): %s\n", event.c_str(), hook.command.c_str(),
                 r.exit_code < 0 ? "timeout" : ("exit " + std::to_string(r.exit_code)).c_str(),
                 trim(r.err).c_str());
}

std::vector<HookMatcher> Parse(const Json& hooks, bool settings) {
    std::vector<HookMatcher> out;
    if (!hooks.is_object()) return out;
    for (auto it = hooks.begin(); it != hooks.end(); ++it) {
        if (!it.value().is_array()) continue;
        for (const Json& m : it.value()) {
            if (!m.is_object()) continue;
            HookMatcher matcher;
            matcher.event = it.key();
            if (m.contains("matcher") && m["matcher"].is_string()) matcher.matcher = m["matcher"];
            if (m.contains("timeout") && m["timeout"].is_number()) matcher.timeout_s = m["timeout"].get<int>();
            if (!settings && m.contains("hookCallbackIds") && m["hookCallbackIds"].is_array())
                for (const Json& id : m["hookCallbackIds"])
                    if (id.is_string()) matcher.callback_ids.push_back(id.get<std::string>());
            if (settings && m.contains("hooks") && m["hooks"].is_array())
                for (const Json& h : m["hooks"]) {
                    if (!h.is_object() || h.value("type", "command") != "command" ||
                        !h.contains("command") || !h["command"].is_string())
                        continue;
                    CommandHook command{h["command"].get<std::string>(), 60};
                    if (h.contains("timeout") && h["timeout"].is_number())
                        command.timeout_s = std::max(1, h["timeout"].get<int>());
                    matcher.commands.push_back(std::move(command));
                }
            if (!matcher.callback_ids.empty() || !matcher.commands.empty()) out.push_back(std::move(matcher));
        }
    }
    return out;
}

}  // namespace

std::vector<HookMatcher> ParseHooks(const Json& hooks) { return Parse(hooks, false); }
std::vector<HookMatcher> ParseSettingsHooks(const Json& hooks) { return Parse(hooks, true); }

void SetEmitHookEvents(bool on) { g_emit_hook_events = on; }

bool HasHooks(const std::vector<HookMatcher>& hooks, const std::string& event) {
    for (const HookMatcher& m : hooks)
        if (m.event == event) return true;
    return false;
}

HookOutcome RunHooks(SessionHost& host, const std::vector<HookMatcher>& hooks, const std::string& event,
                     const std::string& tool_name, const Json& input, const std::string& tool_use_id,
                     const llm::CancelToken& cancel) {
    HookOutcome outcome;
    for (const HookMatcher& m : hooks) {
        if (m.event != event || !Matches(m, tool_name)) continue;
        for (const std::string& id : m.callback_ids) {
            Json request = {{"subtype", "hook_callback"}, {"callback_id", id}, {"input", input},
                            {"tool_use_id", tool_use_id.empty() ? Json(nullptr) : Json(tool_use_id)}};
            auto answer = host.SendControl(request, cancel);
            if (answer) Merge(*answer, &outcome);
        }
        for (const CommandHook& command : m.commands) {
            const bool emit = g_emit_hook_events.load();
            const std::string id = emit ? NewUuid() : "";
            if (emit) host.Emit(HookFrame("hook_started", id, event, input));
            const CommandResult r = RunHookCommand(command, input, cancel);
            if (emit) {
                Json frame = HookFrame("hook_response", id, event, input);
                frame["output"] = r.out + r.err;
                frame["stdout"] = r.out;
                frame["stderr"] = r.err;
                frame["exit_code"] = r.exit_code;
                frame["outcome"] = r.exit_code == 0 || r.exit_code == 2 ? "success" : "error";
                host.Emit(frame);
            }
            MergeCommand(event, command, r, &outcome);
        }
    }
    return outcome;
}

}  // namespace oc::code
