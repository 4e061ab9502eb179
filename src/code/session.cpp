// The turn loop of a coding-agent session.
#include "code/session.h"

#include <algorithm>
#include <chrono>

#include "code/mcp_manager.h"
#include "code/stream_events.h"
#include "code/transcript.h"
#include "common/ids.h"

namespace oc::code {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MsSince(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

std::string DefaultSystemPrompt(const SessionConfig& c) {
    return "You are Cortex Code, a coding agent. You work in the directory " + c.workdir +
           " with the tools Read, Write, Edit, Glob, Grep, LS and Bash. Use them to answer; "
           "be concise.";
}

void AddUsage(llm::Usage* total, const llm::Usage& u) {
    total->input_tokens += u.input_tokens;
    total->output_tokens += u.output_tokens;
    total->cache_read_tokens += u.cache_read_tokens;
    total->cache_write_tokens += u.cache_write_tokens;
}

Json ToolResultFrame(const std::string& session_id, const std::string& tool_use_id,
                     const ToolOutput& out) {
    Json block = {{"type", "tool_result"}, {"tool_use_id", tool_use_id},
                  {"content", out.text}, {"is_error", out.is_error}};
    return {{"type", "user"},
            {"message", {{"role", "user"}, {"content", Json::array({std::move(block)})}}},
            {"parent_tool_use_id", nullptr},
            {"session_id", session_id},
            {"uuid", NewUuid()},
            {"tool_use_result", out.is_error && out.structured.empty() ? Json("Error: " + out.text)
                                                                       : out.structured}};
}

// Keeps every stdout line well under the SDKs' 1 MiB line limit (§2.1).
void CapToolOutput(ToolOutput* out) {
    constexpr size_t kMaxText = 100000;
    constexpr size_t kMaxStructured = 200000;
    if (out->text.size() > kMaxText) {
        size_t cut = kMaxText;
        while (cut > 0 && (static_cast<unsigned char>(out->text[cut]) & 0xC0) == 0x80) --cut;
        const size_t total = out->text.size();
        out->text.resize(cut);
        out->text += "\n(output truncated: " + std::to_string(total) + " bytes in all)";
    }
    if (DumpJson(out->structured).size() > kMaxStructured)
        out->structured = {{"truncated", true}, {"text", out->text}};
}

// Model answers without valid structured output that a --json-schema turn tolerates.
constexpr int kMaxStructuredRetries = 3;

void StructuredFailed(TurnSummary* s) {
    s->subtype = "error_max_structured_output_retries";
    s->is_error = true;
    s->errors = {"Failed to provide valid structured output after " +
                 std::to_string(kMaxStructuredRetries) + " retries"};
    s->terminal_reason = "structured_output_retry_exhausted";
}

void Interrupted(TurnSummary* s, bool in_tools) {
    s->subtype = "error_during_execution";
    s->is_error = true;
    s->errors = {"Request interrupted by user"};
    s->stop_reason = "";
    s->terminal_reason = in_tools ? "aborted_tools" : "aborted_streaming";
}

}  // namespace

llm::Message TextMessage(llm::Role role, std::string text) {
    llm::Message m;
    m.role = role;
    m.text = std::move(text);
    return m;
}

std::string ContentText(const Json& content) {
    if (content.is_string()) return content.get<std::string>();
    std::string text;
    if (!content.is_array()) return text;
    for (const Json& block : content) {
        if (!block.is_object() || block.value("type", "") != "text") continue;
        if (!text.empty()) text += "\n";
        text += block.value("text", "");
    }
    return text;
}

Session::Session(SessionConfig config, const llm::ModelRegistry* registry, PermissionPolicy* policy,
                 Transcript* transcript)
    : config_(std::move(config)), registry_(registry), policy_(policy), transcript_(transcript) {
    for (BuiltinTool& tool : MakeBuiltinTools()) {
        if (config_.tool_names) {
            const auto& names = *config_.tool_names;
            if (std::find(names.begin(), names.end(), tool.name) == names.end()) continue;
        }
        tools_.push_back(std::move(tool));
    }
    const auto& only = config_.tool_names;
    if (config_.agent_id.empty() && (!only || std::find(only->begin(), only->end(), "Task") != only->end()))
        tools_.insert(tools_.begin(), MakeTaskTool());  // subagents get no Task tool
    for (BuiltinTool& tool : config_.extra_tools) tools_.push_back(std::move(tool));
    config_.extra_tools.clear();
}

std::string Session::model() const {
    std::lock_guard<std::mutex> lock(mu_);
    return config_.model.empty() ? "auto" : config_.model;
}

void Session::ForEachTool(const std::function<void(const BuiltinTool&)>& f) const {
    for (const BuiltinTool& tool : tools_) f(tool);
    if (config_.mcp)
        for (const BuiltinTool& tool : config_.mcp->Tools()) f(tool);
}

Json Session::McpStatusBody() const {
    return config_.mcp ? config_.mcp->StatusBody() : Json{{"mcpServers", Json::array()}};
}

std::vector<std::string> Session::ToolNames() const {
    std::vector<std::string> names;
    ForEachTool([&names](const BuiltinTool& t) { names.push_back(t.name); });
    if (!JsonSchema().is_null()) names.push_back("StructuredOutput");
    return names;
}

Status Session::SetModel(const std::string& name) {
    if (!name.empty()) {
        auto resolved = registry_->Resolve(name);
        if (!resolved) return resolved.error();
    }
    std::lock_guard<std::mutex> lock(mu_);
    config_.model = name;
    return {};
}

void Session::SetSystemPrompt(std::optional<std::string> prompt, std::string append) {
    std::lock_guard<std::mutex> lock(mu_);
    if (prompt) config_.system_prompt = std::move(prompt);
    if (!append.empty()) config_.append_system_prompt = std::move(append);
}

void Session::SetHooks(std::vector<HookMatcher> hooks) {
    std::lock_guard<std::mutex> lock(mu_);
    hooks_ = std::move(hooks);
}

void Session::AddHooks(std::vector<HookMatcher> hooks) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& h : hooks) hooks_.push_back(std::move(h));
}

std::vector<HookMatcher> Session::Hooks() const {
    std::lock_guard<std::mutex> lock(mu_);
    return hooks_;
}

void Session::SetAgents(std::vector<std::string> names) {
    std::lock_guard<std::mutex> lock(mu_);
    agents_ = std::move(names);
}

void Session::AppendUserMessage(const Json& content) {
    Record(TextMessage(llm::Role::kUser, ContentText(content)));
}

Json Session::HookInput(const std::string& event) const {
    return {{"session_id", config_.session_id},
            {"transcript_path", transcript_ ? Json(transcript_->path()) : Json(nullptr)},
            {"cwd", config_.workdir},
            {"permission_mode", policy_->mode()},
            {"hook_event_name", event}};
}

void Session::ClearHistory() { history_.clear(); }
void Session::SetHistory(std::vector<llm::Message> history) { history_ = std::move(history); }

Json Session::Agents() const {
    std::lock_guard<std::mutex> lock(mu_);
    return agents_;
}

Json Session::InitFrame() const {
    return {{"type", "system"},
            {"subtype", "init"},
            {"cwd", config_.workdir},
            {"session_id", config_.session_id},
            {"tools", ToolNames()},
            {"mcp_servers", config_.mcp ? config_.mcp->InitList() : Json::array()},
            {"model", model()},
            {"permissionMode", policy_->mode()},
            {"slash_commands", Json::array({"clear", "model"})},
            {"apiKeySource", "none"},
            {"claude_code_version", kCodeVersion},
            {"output_style", "default"},
            {"agents", Agents()},
            {"skills", Json::array()},
            {"plugins", Json::array()},
            {"uuid", NewUuid()}};
}

void Session::Record(llm::Message message) {
    if (transcript_) transcript_->Append(message);
    history_.push_back(std::move(message));
}

std::vector<llm::Message> Session::RequestMessages() const {
    std::vector<llm::Message> messages;
    std::string system;
    {
        std::lock_guard<std::mutex> lock(mu_);
        system = config_.system_prompt ? *config_.system_prompt : DefaultSystemPrompt(config_);
        if (!config_.append_system_prompt.empty())
            system += (system.empty() ? "" : "\n\n") + config_.append_system_prompt;
    }
    if (!system.empty()) messages.push_back(TextMessage(llm::Role::kSystem, system));
    messages.insert(messages.end(), history_.begin(), history_.end());
    return messages;
}

TurnSummary Session::RunTurn(const Json& content, SessionHost& host, const llm::CancelToken& cancel) {
    const auto start = Clock::now();
    TurnSummary s;
    std::vector<HookMatcher> hooks;
    {
        std::lock_guard<std::mutex> lock(mu_);
        hooks = hooks_;
    }
    std::string prompt = ContentText(content);
    if (IsCompactCommand(prompt)) return CompactConversation(*this, prompt, host, cancel);
    if (!hooks.empty()) {
        Json input = HookInput("UserPromptSubmit");
        input["prompt"] = prompt;
        const HookOutcome hook = RunHooks(host, hooks, "UserPromptSubmit", "", input, "", cancel);
        if (hook.block || hook.stop) {
            s.subtype = "error_during_execution";
            s.is_error = true;
            s.errors = {"Prompt blocked by a UserPromptSubmit hook: " +
                        (hook.block ? hook.reason : hook.stop_reason)};
            s.stop_reason = "";
            s.terminal_reason = "hook_stopped";
            s.duration_ms = MsSince(start);
            s.model = model();
            return s;
        }
        if (!hook.additional_context.empty()) prompt += "\n\n" + hook.additional_context;
    }
    Record(TextMessage(llm::Role::kUser, prompt));
    bool stop_hook_active = false;
    int structured_retries = 0;
    bool force_structured = false;  // a retry: the model must call StructuredOutput
    while (true) {
        if (cancel.cancelled()) { Interrupted(&s, false); break; }
        if (config_.max_turns > 0 && s.num_turns >= config_.max_turns) {
            s.subtype = "error_max_turns";
            s.is_error = true;
            s.errors = {"Reached maximum number of turns (" + std::to_string(config_.max_turns) + ")"};
            s.stop_reason = "tool_use";
            s.terminal_reason = "max_turns";
            break;
        }
        if (config_.max_budget_usd > 0 && total_cost_usd_ >= config_.max_budget_usd) {
            s.subtype = "error_max_budget_usd";
            s.is_error = true;
            s.errors = {"Reached maximum budget ($" + std::to_string(config_.max_budget_usd) + ")"};
            s.terminal_reason = "budget_exhausted";
            break;
        }
        const std::string model_name = model();
        auto resolved = registry_->Resolve(model_name == "auto" ? "" : model_name);
        if (!resolved) {
            s.is_error = true;
            s.result = "API Error: " + resolved.error().message;
            s.errors = {resolved.error().message};
            s.terminal_reason = "model_error";
            break;
        }
        llm::ChatRequest request;
        request.model = resolved->upstream_model;
        request.messages = RequestMessages();
        request.tools = ToolDefs();  // per call: MCP servers may be toggled mid-turn
        if (force_structured) request.tool_choice = {llm::ToolChoice::Kind::kTool, {"StructuredOutput"}};
        const std::string message_id = "msg_" + RandomHex(12);
        std::unique_ptr<PartialMessageSink> sink;
        if (config_.include_partial_messages) {
            sink = std::make_unique<PartialMessageSink>(config_.session_id, message_id, model_name,
                                                        [&host](const Json& f) { host.Emit(f); });
            sink->Begin();
        }
        const auto api_start = Clock::now();
        auto answer = resolved->provider->Chat(request, sink.get(), cancel);
        s.duration_api_ms += MsSince(api_start);
        ++s.num_turns;
        if (!answer) {
            if (answer.error().code == ErrorCode::kCancelled || cancel.cancelled()) {
                Interrupted(&s, false);
                break;
            }
            s.is_error = true;
            s.result = "API Error: " + answer.error().message;
            s.errors = {answer.error().message};
            s.terminal_reason = "api_error";
            break;
        }
        AddUsage(&s.usage, answer->usage);
        AddCost(model_name, answer->model, answer->usage);
        s.model = answer->model.empty() ? model_name : answer->model;
        const bool wants_tools = !answer->tool_calls.empty();
        const std::string stop = wants_tools ? "tool_use" : "end_turn";
        if (sink) sink->End(stop, answer->usage);
        llm::Message assistant = TextMessage(llm::Role::kAssistant, answer->text);
        assistant.tool_calls = answer->tool_calls;
        assistant.thinking = answer->thinking;
        assistant.thinking_signature = answer->thinking_signature;
        if (!answer->thinking.empty())
            host.Emit(AssistantFrame(config_.session_id, message_id, s.model,
                                     {{"type", "thinking"}, {"thinking", answer->thinking},
                                      {"signature", answer->thinking_signature}}, nullptr, answer->usage));
        if (!answer->text.empty())
            host.Emit(AssistantFrame(config_.session_id, message_id, s.model,
                                     {{"type", "text"}, {"text", answer->text}},
                                     wants_tools ? Json(nullptr) : Json(stop), answer->usage));
        for (auto& call : assistant.tool_calls) {
            if (call.id.empty()) call.id = "toolu_" + RandomHex(12);
            if (!config_.agent_id.empty()) call.id = config_.agent_id + "_" + call.id;  // unique beside the parent's
            host.Emit(AssistantFrame(config_.session_id, message_id, s.model,
                                     {{"type", "tool_use"}, {"id", call.id}, {"name", call.name},
                                      {"input", call.arguments}}, Json(stop), answer->usage));
        }
        Record(assistant);
        if (!wants_tools) {
            s.result = answer->text;
            if (!JsonSchema().is_null()) {
                const std::string nudge = CheckFinalAnswer(answer->text, &s);
                if (!nudge.empty()) {
                    if (++structured_retries > kMaxStructuredRetries) {
                        StructuredFailed(&s);
                        break;
                    }
                    Record(TextMessage(llm::Role::kUser, nudge));
                    force_structured = true;
                    continue;
                }
            }
            if (hooks.empty()) break;
            const std::string stop_event = config_.agent_id.empty() ? "Stop" : "SubagentStop";
            Json input = HookInput(stop_event);
            input["stop_hook_active"] = stop_hook_active;
            input["last_assistant_message"] = answer->text;
            if (!config_.agent_id.empty()) {
                input["agent_id"] = config_.agent_id;
                input["agent_type"] = config_.agent_type;
                input["agent_transcript_path"] = input["transcript_path"];
            }
            const HookOutcome stop = RunHooks(host, hooks, stop_event, "", input, "", cancel);
            if (!stop.block || stop.stop) break;
            stop_hook_active = true;  // the hook keeps the agent going with its reason
            Record(TextMessage(llm::Role::kUser, stop.reason));
            continue;
        }
        bool interrupted = false;
        bool structured_done = false;
        ToolRun stopped;
        for (const auto& call : assistant.tool_calls) {
            if (interrupted || stopped.stopped) break;
            const ToolRun run = ExecuteTool(call, host, cancel, &s);
            interrupted = run.interrupted;
            if (run.stopped) stopped = run;
            structured_done = structured_done || run.structured_ok;
            if (run.structured_failed) ++structured_retries;
        }
        if (stopped.stopped && !interrupted) {
            s.result = stopped.stop_reason;
            s.stop_reason = "tool_use";
            s.terminal_reason = "hook_stopped";
            break;
        }
        if (interrupted || cancel.cancelled()) {
            host.Emit(UserTextFrame(config_.session_id, "[Request interrupted by user for tool use]"));
            Interrupted(&s, true);
            break;
        }
        if (structured_done) {  // the StructuredOutput call is the answer
            s.result = DumpJson(s.structured_output);
            break;
        }
        if (structured_retries > kMaxStructuredRetries) {
            StructuredFailed(&s);
            break;
        }
    }
    s.duration_ms = MsSince(start);
    s.total_cost_usd = total_cost_usd_;
    if (s.model.empty()) s.model = model();
    return s;
}

Session::ToolRun Session::ExecuteTool(const llm::ToolCall& call, SessionHost& host,
                                      const llm::CancelToken& cancel, TurnSummary* summary) {
    ToolRun run;
    const ToolContext ctx{config_.workdir, config_.roots, &cancel};
    const BuiltinTool* tool = nullptr;
    for (const auto& t : tools_) if (t.name == call.name) tool = &t;
    BuiltinTool mcp_tool;  // an MCP tool of a server connected right now
    if (!tool && config_.mcp && call.name.rfind("mcp__", 0) == 0)
        for (BuiltinTool& t : config_.mcp->Tools())
            if (t.name == call.name) {
                mcp_tool = std::move(t);
                tool = &mcp_tool;
            }
    ToolOutput out;
    Json input = call.arguments;
    auto deny = [&](const std::string& message) {
        out = ToolError(message);
        summary->permission_denials.push_back(
            {{"tool_name", call.name}, {"tool_use_id", call.id}, {"tool_input", call.arguments}});
    };
    if (call.name == "StructuredOutput" && !JsonSchema().is_null()) {
        out = RunStructuredOutput(call.arguments, summary, &run);
    } else if (!tool) {
        out = ToolError("No such tool available: " + call.name);
    } else {
        std::vector<HookMatcher> hooks;
        {
            std::lock_guard<std::mutex> lock(mu_);
            hooks = hooks_;
        }
        HookOutcome pre;
        if (!hooks.empty()) {
            Json hook_input = HookInput("PreToolUse");
            hook_input["tool_name"] = call.name;
            hook_input["tool_input"] = input;
            hook_input["tool_use_id"] = call.id;
            pre = RunHooks(host, hooks, "PreToolUse", call.name, hook_input, call.id, cancel);
            if (!pre.updated_input.is_null()) input = pre.updated_input;
            run.stopped = pre.stop;
            run.stop_reason = pre.stop_reason;
        }
        const std::string target = ResolveToolPath(*tool, input, ctx);
        PermissionCheck check = policy_->Check(*tool, input, target);
        if (pre.block) check = {Decision::kDeny, pre.reason, {}};
        else if (pre.permission_decision == "allow" && check.decision == Decision::kAsk)
            check.decision = Decision::kAllow;
        else if (pre.permission_decision == "ask" && check.decision == Decision::kAllow)
            check.decision = Decision::kAsk;
        if (check.decision == Decision::kAsk && HasHooks(hooks, "PermissionRequest")) {
            // A PermissionRequest hook may answer the dialog (allow/deny) instead of the user.
            Json hook_input = HookInput("PermissionRequest");
            hook_input["tool_name"] = call.name;
            hook_input["tool_input"] = input;
            hook_input["permission_suggestions"] = Json::array();
            const HookOutcome ph = RunHooks(host, hooks, "PermissionRequest", call.name, hook_input, call.id, cancel);
            const std::string behavior = ph.permission_request.is_object()
                                             ? ph.permission_request.value("behavior", "") : "";
            if (ph.block || behavior == "deny") {
                const std::string message = ph.block ? ph.reason : ph.permission_request.value("message", "");
                check = {Decision::kDeny, message.empty() ? "Denied by a PermissionRequest hook" : message, {}};
                run.interrupted = !ph.block && ph.permission_request.value("interrupt", false);
            } else if (behavior == "allow") {
                check.decision = Decision::kAllow;
                if (ph.permission_request.contains("updatedInput") && ph.permission_request["updatedInput"].is_object())
                    input = ph.permission_request["updatedInput"];
            }
        }
        if (check.decision == Decision::kAsk && host.CanAskPermission() && HasHooks(hooks, "Notification")) {
            Json hook_input = HookInput("Notification");
            hook_input["message"] = "Cortex Code needs your permission to use " + call.name;
            hook_input["notification_type"] = "permission_prompt";
            (void)RunHooks(host, hooks, "Notification", "", hook_input, "", cancel);
        }
        if (check.decision == Decision::kAsk && host.CanAskPermission()) {
            Json request = {{"subtype", "can_use_tool"}, {"tool_name", call.name}, {"input", input},
                            {"tool_use_id", call.id},
                            {"permission_suggestions", Json::array({{{"type", "addRules"},
                                {"rules", {{{"toolName", call.name}}}}, {"behavior", "allow"},
                                {"destination", "session"}}})},
                            {"blocked_path", check.blocked_path.empty() ? Json(nullptr)
                                                                        : Json(check.blocked_path)},
                            {"title", "Cortex Code wants to use " + call.name},
                            {"display_name", call.name},
                            {"description", tool->description}};
            auto answer = host.SendControl(request, cancel);
            if (!answer) {
                check = {Decision::kDeny, "Permission denied: " + answer.error().message, {}};
            } else if (answer->value("behavior", "") == "allow") {
                check.decision = Decision::kAllow;
                if (answer->contains("updatedInput") && (*answer)["updatedInput"].is_object())
                    input = (*answer)["updatedInput"];
            } else {
                const std::string message = answer->value("message", "");
                check = {Decision::kDeny,
                         message.empty() ? "Permission to use " + call.name + " was denied." : message, {}};
                run.interrupted = answer->value("interrupt", false);
            }
        } else if (check.decision == Decision::kAsk) {
            check = {Decision::kDeny,
                     "Permission to use " + call.name + " was not granted" +
                         (check.blocked_path.empty() ? "" : " for " + check.blocked_path + " (outside the workdir)") +
                         "; allow it with --allowedTools " + call.name +
                         ", --permission-mode or --permission-prompt-tool stdio.", {}};
        }
        if (check.decision == Decision::kDeny) deny(check.reason);
        else if (tool->name == "Task") out = RunTask(input, call.id, host, cancel, summary);
        else out = tool->run(input, ctx);
        if (check.decision != Decision::kDeny && out.is_error && HasHooks(hooks, "PostToolUseFailure")) {
            Json hook_input = HookInput("PostToolUseFailure");
            hook_input["tool_name"] = call.name;
            hook_input["tool_input"] = input;
            hook_input["tool_use_id"] = call.id;
            hook_input["error"] = out.text;
            hook_input["is_interrupt"] = cancel.cancelled();
            const HookOutcome failure = RunHooks(host, hooks, "PostToolUseFailure", call.name, hook_input, call.id, cancel);
            if (!failure.additional_context.empty()) out.text += "\n" + failure.additional_context;
        }
        if (!hooks.empty() && check.decision != Decision::kDeny && !out.is_error) {
            Json hook_input = HookInput("PostToolUse");
            hook_input["tool_name"] = call.name;
            hook_input["tool_input"] = input;
            hook_input["tool_response"] = out.structured;
            hook_input["tool_use_id"] = call.id;
            const HookOutcome post = RunHooks(host, hooks, "PostToolUse", call.name, hook_input, call.id, cancel);
            if (post.block) out.text += "\n" + post.reason;
            if (!post.additional_context.empty()) out.text += "\n" + post.additional_context;
            if (post.stop) {
                run.stopped = true;
                run.stop_reason = post.stop_reason;
            }
        }
    }
    CapToolOutput(&out);
    host.Emit(ToolResultFrame(config_.session_id, call.id, out));
    llm::Message result = TextMessage(llm::Role::kTool, out.text);
    result.tool_call_id = call.id;
    result.tool_name = call.name;
    result.is_error = out.is_error;
    Record(std::move(result));
    return run;
}

}  // namespace oc::code
