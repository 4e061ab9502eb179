// Hook matching, dispatch (SDK callbacks and shell commands) and output merging.
#include "code/hooks.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <regex>
#include <thread>

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

// Any block wins; the first blocking hook (in configuration order) gives the reason.
void Block(HookOutcome* o, const std::string& reason) {
    if (!o->block) o->reason = reason;
    o->block = true;
}

void Merge(const Json& out, HookOutcome* o) {
    if (!out.is_object()) return;
    if (out.contains("continue") && out["continue"].is_boolean() && !out["continue"].get<bool>()) {
        if (!o->stop) o->stop_reason = out.value("stopReason", "");
        o->stop = true;
    }
    const std::string decision = out.value("decision", "");
    if (decision == "block")
        Block(o, out.value("reason", "Blocked by a hook"));
    else if (decision == "approve" && o->permission_decision.empty())
        o->permission_decision = "allow";  // deprecated PreToolUse spelling
    if (out.contains("systemMessage") && out["systemMessage"].is_string())
        o->system_message += (o->system_message.empty() ? "" : "\n") + out["systemMessage"].get<std::string>();
    if (!out.contains("hookSpecificOutput") || !out["hookSpecificOutput"].is_object()) return;
    const Json& specific = out["hookSpecificOutput"];
    const std::string permission = specific.value("permissionDecision", "");
    if (permission == "deny") Block(o, specific.value("permissionDecisionReason", "Denied by a PreToolUse hook"));
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
        Block(o, trim(r.err).empty() ? "Blocked by a " + event + " hook" : trim(r.err));
        if (event == "PreToolUse") o->permission_decision = "deny";
        return;
    }
    const std::string why = r.timed_out ? "timed out after " + std::to_string(hook.timeout_s) + " s"
                            : r.exit_code < 0 ? "did not run" : "exit " + std::to_string(r.exit_code);
    std::fprintf(stderr, "warning: %s hook '%s' failed (%s): %s\n", event.c_str(), hook.command.c_str(),
                 why.c_str(), trim(r.err).c_str());
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
    // One job per SDK callback id and per command of every matching matcher, in configuration
    // order; they run concurrently and their outputs are merged in that order.
    struct Job {
        const HookMatcher* matcher;
        const std::string* callback_id;  // null: a command hook
        const CommandHook* command;
        Result<Json> answer = Json::object();
        CommandResult result;
    };
    std::vector<Job> jobs;
    for (const HookMatcher& m : hooks) {
        if (m.event != event || !Matches(m, tool_name)) continue;
        for (const std::string& id : m.callback_ids) jobs.push_back({&m, &id, nullptr, Json::object(), {}});
        for (const CommandHook& command : m.commands) jobs.push_back({&m, nullptr, &command, Json::object(), {}});
    }
    auto run = [&](Job& job) {
        if (job.callback_id) {
            Json request = {{"subtype", "hook_callback"}, {"callback_id", *job.callback_id}, {"input", input},
                            {"tool_use_id", tool_use_id.empty() ? Json(nullptr) : Json(tool_use_id)}};
            job.answer = host.SendControl(request, cancel, std::max(1, job.matcher->timeout_s) * 1000);
            return;
        }
        const bool emit = g_emit_hook_events.load();
        const std::string id = emit ? NewUuid() : "";
        if (emit) host.Emit(HookFrame("hook_started", id, event, input));
        job.result = RunHookCommand(*job.command, input, cancel);
        if (emit) {
            const CommandResult& r = job.result;
            Json frame = HookFrame("hook_response", id, event, input);
            frame["output"] = r.out + r.err;
            frame["stdout"] = r.out;
            frame["stderr"] = r.err;
            frame["exit_code"] = r.exit_code;
            frame["outcome"] = r.exit_code == 0 || r.exit_code == 2 ? "success" : "error";
            host.Emit(frame);
        }
    };
    if (jobs.size() == 1) {
        run(jobs[0]);
    } else {
        std::vector<std::thread> threads;
        threads.reserve(jobs.size());
        for (Job& job : jobs) threads.emplace_back([&run, &job] { run(job); });
        for (std::thread& t : threads) t.join();
    }
    HookOutcome outcome;
    for (const Job& job : jobs) {
        if (!job.callback_id) {
            MergeCommand(event, *job.command, job.result, &outcome);
        } else if (job.answer) {
            Merge(*job.answer, &outcome);
        } else if (job.answer.error().code != ErrorCode::kCancelled) {  // a non-blocking failure
            std::fprintf(stderr, "warning: %s hook callback %s failed: %s\n", event.c_str(),
                         job.callback_id->c_str(), job.answer.error().message.c_str());
        }
    }
    return outcome;
}

}  // namespace oc::code
