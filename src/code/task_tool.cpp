// The Task tool: a subagent with its own context and restricted tools runs a prompt with the
// session's model and returns its final answer as the tool result. Its frames are forwarded
// with parent_tool_use_id = the Task tool_use id, bracketed by system/task_started,
// task_progress (after each of its tool results) and task_notification (§3.6).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "code/session.h"
#include "code/task_tool.h"
#include "code/transcript.h"
#include "common/ids.h"

namespace oc::code {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kGeneralPurpose = "general-purpose";
constexpr const char* kGeneralPrompt =
    "You are a subagent of Cortex Code. Carry out the task you are given with the tools you have, "
    "then answer with a concise, complete report: it is returned to the agent that delegated the task.";

struct RunningTask {
    llm::CancelToken* token;
    std::atomic<bool>* stopped;
};

std::mutex g_tasks_mu;
std::map<std::string, RunningTask> g_tasks;

int64_t MsSince(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// Forwards a subagent's frames to the session host, tagged with the Task's tool_use id, and
// reports progress after each of its tool results.
class SubagentHost : public SessionHost {
public:
    SubagentHost(SessionHost& parent, std::string tool_use_id, std::string task_id, std::string description,
                 std::string agent_id, std::string session_id)
        : parent_(parent), tool_use_id_(std::move(tool_use_id)), task_id_(std::move(task_id)),
          description_(std::move(description)), agent_id_(std::move(agent_id)),
          session_id_(std::move(session_id)), start_(Clock::now()) {}

    void Emit(const Json& frame) override {
        const std::string type = frame.value("type", "");
        if (type == "system" && frame.value("subtype", "") == "init") return;
        Json f = frame;
        if (type == "assistant" || type == "user" || type == "stream_event") f["parent_tool_use_id"] = tool_use_id_;
        parent_.Emit(f);
        if (type == "assistant") Count(f["message"]);
        if (type == "user" && IsToolResult(f)) {
            parent_.Emit({{"type", "system"}, {"subtype", "task_progress"}, {"task_id", task_id_},
                          {"tool_use_id", tool_use_id_}, {"description", description_},
                          {"usage", Usage()}, {"last_tool_name", last_tool_},
                          {"uuid", NewUuid()}, {"session_id", session_id_}});
        }
    }
    bool CanAskPermission() const override { return parent_.CanAskPermission(); }
    Result<Json> SendControl(const Json& request, const llm::CancelToken& cancel, int timeout_ms = 0) override {
        Json r = request;
        if (r.value("subtype", "") == "can_use_tool") r["agent_id"] = agent_id_;
        return parent_.SendControl(r, cancel, timeout_ms);
    }

    Json Usage() const {
        return {{"total_tokens", tokens_}, {"tool_uses", tool_uses_}, {"duration_ms", MsSince(start_)}};
    }
    int64_t tokens() const { return tokens_; }
    int tool_uses() const { return tool_uses_; }

private:
    static bool IsToolResult(const Json& f) {
        const Json& content = f["message"]["content"];
        return content.is_array() && !content.empty() && content[0].value("type", "") == "tool_result";
    }
    void Count(const Json& message) {
        const std::string id = message.value("id", "");
        if (seen_messages_.insert(id).second && message.contains("usage")) {
            tokens_ += message["usage"].value("input_tokens", int64_t{0}) + message["usage"].value("output_tokens", int64_t{0});
        }
        for (const Json& block : message["content"]) {
            if (block.value("type", "") != "tool_use") continue;
            ++tool_uses_;
            last_tool_ = block.value("name", "");
        }
    }

    SessionHost& parent_;
    const std::string tool_use_id_, task_id_, description_, agent_id_, session_id_;
    const Clock::time_point start_;
    std::set<std::string> seen_messages_;
    int64_t tokens_ = 0;
    int tool_uses_ = 0;
    std::string last_tool_;
};

}  // namespace

bool HasSubagentTask(const std::string& task_id) {
    std::lock_guard<std::mutex> lock(g_tasks_mu);
    return g_tasks.count(task_id) > 0;
}

bool StopSubagentTask(const std::string& task_id) {
    std::lock_guard<std::mutex> lock(g_tasks_mu);
    auto it = g_tasks.find(task_id);
    if (it == g_tasks.end()) return false;
    *it->second.stopped = true;
    it->second.token->Cancel();
    return true;
}

BuiltinTool MakeTaskTool() {
    BuiltinTool t{"Task",
                  "Task: delegate a self-contained task to a subagent that works on its own with its own "
                  "tools and returns a report. Give a short description, the full prompt, and the "
                  "subagent_type.",
                  ObjectSchema({{"description", "string", "A short (3-5 word) description of the task"},
                                {"prompt", "string", "The task for the subagent to perform"},
                                {"subagent_type", "string", "The type of specialized agent to use"}},
                               {"description", "prompt", "subagent_type"}),
                  ToolKind::kRead, "", nullptr};
    t.run = [](const Json&, const ToolContext&) { return ToolError("Task: runs only inside a session"); };
    return t;
}

ToolOutput Session::RunTask(const Json& input, const std::string& tool_use_id, SessionHost& host,
                            const llm::CancelToken& cancel, TurnSummary* summary) {
    const std::string description = StringArg(input, "description");
    const std::string prompt = StringArg(input, "prompt");
    std::string type = StringArg(input, "subagent_type");
    if (type.empty()) type = kGeneralPurpose;
    if (prompt.empty()) return ToolError("Task: prompt is required");
    Json def;
    std::string names = kGeneralPurpose;
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (agent_defs_.contains(type)) def = agent_defs_[type];
        for (const auto& name : agents_) names += ", " + name;
    }
    if (type != kGeneralPurpose && !def.is_object())
        return ToolError("Task: agent type '" + type + "' not found. Available agents: " + names);
    if (!def.is_object()) def = Json::object();

    // The subagent's tools: its definition's list (or every tool), never Task.
    std::optional<std::set<std::string>> only;
    if (def.contains("tools") && def["tools"].is_array()) {
        only.emplace();
        for (const Json& n : def["tools"])
            if (n.is_string()) only->insert(n.get<std::string>());
    }
    std::set<std::string> builtin;
    for (const auto& b : MakeBuiltinTools()) builtin.insert(b.name);
    SessionConfig c;
    std::vector<std::string> tool_names;
    ForEachTool([&](const BuiltinTool& t) {
        if (t.name == "Task" || (only && !only->count(t.name))) return;
        if (builtin.count(t.name)) tool_names.push_back(t.name);
        else c.extra_tools.push_back(t);
    });
    c.tool_names = tool_names;
    c.session_id = config_.session_id;
    const std::string parent_model = model();
    c.model = parent_model == "auto" ? "" : parent_model;
    const std::string def_model = def.value("model", "");
    if (!def_model.empty() && def_model != "inherit" && registry_->Resolve(def_model)) c.model = def_model;
    c.system_prompt = def.value("prompt", std::string(kGeneralPrompt));
    if (def.contains("maxTurns") && def["maxTurns"].is_number_integer()) c.max_turns = def["maxTurns"].get<int>();
    c.workdir = config_.workdir;
    c.roots = config_.roots;
    c.permission_prompt_tool = config_.permission_prompt_tool;
    c.prices = config_.prices;
    c.agent_id = "agent_" + RandomHex(8);
    c.agent_type = type;
    const std::string agent_id = c.agent_id;
    std::unique_ptr<Transcript> sidechain;  // only when the session itself is persisted
    if (transcript_) {
        auto opened = Transcript::OpenSubagent(config_.session_id, agent_id, config_.workdir);
        if (opened) sidechain = std::move(*opened);
    }
    const std::string output_file = sidechain ? sidechain->path() : "";
    Session child(std::move(c), registry_, policy_, sidechain.get());
    const std::vector<HookMatcher> hooks = Hooks();
    child.SetHooks(hooks);

    std::string task_prompt = prompt;
    if (HasHooks(hooks, "SubagentStart")) {
        Json hook_input = HookInput("SubagentStart");
        hook_input["agent_id"] = agent_id;
        hook_input["agent_type"] = type;
        const HookOutcome start = RunHooks(host, hooks, "SubagentStart", "", hook_input, "", cancel);
        if (!start.additional_context.empty()) task_prompt += "\n\n" + start.additional_context;
    }

    const std::string task_id = "task_" + RandomHex(8);
    host.Emit({{"type", "system"}, {"subtype", "task_started"}, {"task_id", task_id},
               {"tool_use_id", tool_use_id}, {"description", description}, {"task_type", "local_agent"},
               {"subagent_type", type}, {"prompt", prompt}, {"uuid", NewUuid()},
               {"session_id", config_.session_id}});
    llm::CancelToken child_cancel;
    std::atomic<bool> stopped{false};
    {
        std::lock_guard<std::mutex> lock(g_tasks_mu);
        g_tasks[task_id] = {&child_cancel, &stopped};
    }
    std::atomic<bool> done{false};
    std::thread watcher([&] {  // an interrupt of the session also stops the subagent
        while (!done) {
            if (cancel.cancelled()) child_cancel.Cancel();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    SubagentHost sub_host(host, tool_use_id, task_id, description, agent_id, config_.session_id);
    const auto start = Clock::now();
    const TurnSummary r = child.RunTurn(Json(task_prompt), sub_host, child_cancel);
    done = true;
    watcher.join();
    {
        std::lock_guard<std::mutex> lock(g_tasks_mu);
        g_tasks.erase(task_id);
    }

    summary->usage.input_tokens += r.usage.input_tokens;
    summary->usage.output_tokens += r.usage.output_tokens;
    summary->usage.cache_read_tokens += r.usage.cache_read_tokens;
    summary->usage.cache_write_tokens += r.usage.cache_write_tokens;
    summary->duration_api_ms += r.duration_api_ms;
    total_cost_usd_ += r.total_cost_usd;

    const std::string status = stopped || cancel.cancelled() ? "stopped" : r.is_error ? "failed" : "completed";
    std::string text = r.subtype == "success" && !r.is_error ? r.result : "";
    if (text.empty()) {
        for (const auto& e : r.errors) text += (text.empty() ? "" : "; ") + e;
        if (text.empty()) text = r.result;
    }
    const Json usage = {{"total_tokens", r.usage.input_tokens + r.usage.output_tokens},
                        {"tool_uses", sub_host.tool_uses()},
                        {"duration_ms", MsSince(start)}};
    host.Emit({{"type", "system"}, {"subtype", "task_notification"}, {"task_id", task_id},
               {"tool_use_id", tool_use_id}, {"status", status}, {"output_file", output_file},
               {"summary", text.substr(0, 500)}, {"usage", usage}, {"uuid", NewUuid()},
               {"session_id", config_.session_id}});
    ToolOutput out;
    if (status == "stopped") {
        out = ToolError("Task " + task_id + " was stopped before it finished.");
    } else if (status == "failed") {
        out = ToolError("Task " + task_id + " failed: " + text);
    } else {
        out.text = text;
    }
    out.structured = {{"status", status},
                      {"prompt", prompt},
                      {"agentId", agent_id},
                      {"content", Json::array({{{"type", "text"}, {"text", text}}})},
                      {"totalDurationMs", MsSince(start)},
                      {"totalTokens", usage["total_tokens"]},
                      {"totalToolUseCount", sub_host.tool_uses()},
                      {"usage", UsageJson(r.usage)}};
    return out;
}

}  // namespace oc::code
