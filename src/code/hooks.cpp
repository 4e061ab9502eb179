// Hook matching and output merging.
#include "code/hooks.h"

#include <regex>

#include "code/session.h"

namespace oc::code {
namespace {

bool Matches(const HookMatcher& m, const std::string& tool_name) {
    if (m.matcher.empty() || m.matcher == "*" || tool_name.empty()) return true;
    try {
        return std::regex_match(tool_name, std::regex(m.matcher));
    } catch (const std::regex_error&) {
        return m.matcher == tool_name;
    }
}

void Merge(const Json& out, HookOutcome* o) {
    if (!out.is_object()) return;
    if (out.contains("continue") && out["continue"].is_boolean() && !out["continue"].get<bool>()) {
        o->stop = true;
        o->stop_reason = out.value("stopReason", "");
    }
    if (out.value("decision", "") == "block") {
        o->block = true;
        o->reason = out.value("reason", "Blocked by a hook");
    }
    if (!out.contains("hookSpecificOutput") || !out["hookSpecificOutput"].is_object()) return;
    const Json& specific = out["hookSpecificOutput"];
    const std::string decision = specific.value("permissionDecision", "");
    if (decision == "deny") {
        o->block = true;
        o->reason = specific.value("permissionDecisionReason", "Denied by a PreToolUse hook");
    }
    if (decision == "deny" || (decision == "ask" && o->permission_decision != "deny") ||
        (decision == "allow" && o->permission_decision.empty()))
        o->permission_decision = decision;
    if (specific.contains("updatedInput") && specific["updatedInput"].is_object())
        o->updated_input = specific["updatedInput"];
    const std::string context = specific.value("additionalContext", "");
    if (!context.empty()) o->additional_context += (o->additional_context.empty() ? "" : "\n") + context;
}

}  // namespace

std::vector<HookMatcher> ParseHooks(const Json& hooks) {
    std::vector<HookMatcher> out;
    if (!hooks.is_object()) return out;
    for (auto it = hooks.begin(); it != hooks.end(); ++it) {
        if (!it.value().is_array()) continue;
        for (const Json& m : it.value()) {
            if (!m.is_object()) continue;
            HookMatcher matcher;
            matcher.event = it.key();
            if (m.contains("matcher") && m["matcher"].is_string()) matcher.matcher = m["matcher"];
            if (m.contains("hookCallbackIds") && m["hookCallbackIds"].is_array())
                for (const Json& id : m["hookCallbackIds"])
                    if (id.is_string()) matcher.callback_ids.push_back(id.get<std::string>());
            out.push_back(std::move(matcher));
        }
    }
    return out;
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
    }
    return outcome;
}

}  // namespace oc::code
