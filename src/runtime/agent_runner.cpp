#include "runtime/agent_runner.h"

#include "common/log.h"
#include "runtime/prompt.h"
#include "store/repos/thread_repo.h"

namespace oc::runtime {
namespace {

Error Invalid(const std::string& message) { return MakeError(ErrorCode::kInvalidArgument, message); }

Json MetadataEvent(const std::string& role, int64_t message_id, const std::string& run_id) {
    return Json::object({{"metadata", Json::object({{"role", role}, {"message_id", message_id}, {"run_id", run_id}})}});
}

bool SpecHasTool(const Json& spec, const std::string& name) {
    auto tools = spec.find("tools");
    if (tools == spec.end() || !tools->is_array()) return false;
    for (const Json& t : *tools) {
        auto parsed = ParseToolSpec(t);
        if (parsed && parsed->name == name) return true;
    }
    return false;
}

// The content array of a message (a plain string becomes one text item).
Json ContentArray(const Json& message) {
    Json content = message.contains("content") ? message["content"] : Json::array();
    if (content.is_string()) return Json::array({Json::object({{"type", "text"}, {"text", content}})});
    return content;
}

}  // namespace

Result<llm::ToolChoice> ParseToolChoice(const Json& tool_choice, const Json& agent_spec) {
    llm::ToolChoice choice;
    if (tool_choice.is_null()) return choice;
    if (!tool_choice.is_object()) return Invalid("tool_choice must be an object");
    Json type = tool_choice.value("type", Json("auto"));
    std::string t = type.is_string() ? type.get<std::string>() : "";
    if (t == "auto") return choice;
    if (t == "required") {
        choice.kind = llm::ToolChoice::Kind::kRequired;
        return choice;
    }
    if (t == "none") {
        choice.kind = llm::ToolChoice::Kind::kNone;
        return choice;
    }
    if (t != "tool") return Invalid("tool_choice.type must be auto, required, none or tool, got '" + t + "'");
    choice.kind = llm::ToolChoice::Kind::kTool;
    Json names = tool_choice.value("name", Json());
    if (names.is_string()) names = Json::array({names});
    if (!names.is_array() || names.empty()) return Invalid("tool_choice.name must list the tools to use");
    for (const Json& n : names) {
        if (!n.is_string()) return Invalid("tool_choice.name must be an array of tool names");
        if (!SpecHasTool(agent_spec, n.get<std::string>())) {
            return Invalid("tool_choice.name '" + n.get<std::string>() + "' is not a tool of the agent");
        }
        choice.names.push_back(n.get<std::string>());
    }
    return choice;
}

AgentRunner::AgentRunner(store::ThreadRepo* threads, const ToolEnvironment& env, ToolCatalog catalog,
                         RegistryOptions registry_options, OrchestratorOptions options)
    : threads_(threads), env_(env), catalog_(std::move(catalog)), options_(options), runs_(registry_options) {}

Result<std::vector<llm::Message>> AgentRunner::ThreadHistory(const AgentRunRequest& request) {
    const int64_t thread_id = *request.thread_id;
    if (threads_ == nullptr) return Invalid("threads are not available");
    if (request.messages.size() != 1) {
        return Invalid("with thread_id, messages must hold exactly one user message, got " +
                       std::to_string(request.messages.size()));
    }
    OC_TRY(threads_->Get(request.user, thread_id));
    std::vector<llm::Message> history;
    if (request.parent_message_id == 0) return history;
    OC_ASSIGN_OR_RETURN(auto parent, threads_->GetMessage(thread_id, request.parent_message_id));
    if (!parent || parent->role != "assistant") {
        return Invalid("parent_message_id " + std::to_string(request.parent_message_id) +
                       " is not an assistant message of thread " + std::to_string(thread_id));
    }
    OC_ASSIGN_OR_RETURN(auto chain, threads_->Chain(thread_id, request.parent_message_id));
    for (const auto& m : chain) {
        auto content = ParseJson(m.content);
        Json message = Json::object({{"role", m.role}, {"content", content ? *content : Json::array()}});
        OC_TRY(AppendCortexMessage(message, &history));
    }
    return history;
}

Result<std::shared_ptr<Run>> AgentRunner::Start(AgentRunRequest request) {
    const Json& messages = request.messages;
    if (!messages.is_array() || messages.empty()) return Invalid("messages must be a non-empty array");
    const Json& last = messages.back();
    if (!last.is_object() || last.value("role", Json()) != Json("user")) {
        return Invalid("the last message must have role user");
    }
    std::vector<llm::Message> history;
    if (request.thread_id) {
        OC_ASSIGN_OR_RETURN(history, ThreadHistory(request));
    }
    OC_ASSIGN_OR_RETURN(auto turn, ConvertMessages(messages));
    history.insert(history.end(), turn.begin(), turn.end());
    auto tools = std::make_shared<ToolSet>(catalog_.Build(request.agent_spec, env_));

    RunIds ids;
    ids.user = request.user;
    if (request.thread_id) {
        store::MessageRecord user;
        user.thread_id = *request.thread_id;
        if (request.parent_message_id != 0) user.parent_id = request.parent_message_id;
        user.role = "user";
        user.message_payload = MessageText(last);
        user.content = DumpJson(ContentArray(last));
        user.request_id = request.request_id;
        OC_ASSIGN_OR_RETURN(store::MessageRecord stored, threads_->AddMessage(std::move(user)));
        ids.thread_id = stored.thread_id;
        ids.user_message_id = stored.message_id;
        ids.run_id = std::to_string(stored.thread_id) + "-" + std::to_string(stored.message_id);
    } else {
        ids.run_id = runs_.NextAnonymousRunId();
    }
    OC_ASSIGN_OR_RETURN(auto run, runs_.Create(ids));
    if (ids.thread_id != 0) run->Append(events::kMetadata, MetadataEvent("user", ids.user_message_id, ids.run_id));
    auto shared_request = std::make_shared<AgentRunRequest>(std::move(request));
    OC_TRY(runs_.Start(run, [this, shared_request, history = std::move(history), tools](Run& r) mutable {
        Execute(r, *shared_request, std::move(history), tools);
    }));
    return run;
}

void AgentRunner::Execute(Run& run, const AgentRunRequest& request, std::vector<llm::Message> history,
                          std::shared_ptr<ToolSet> tools) {
    RunPlan plan;
    plan.agent_spec = request.agent_spec;
    plan.history = std::move(history);
    plan.tool_choice = request.tool_choice;
    plan.provider = request.provider;
    plan.upstream_model = request.upstream_model;
    plan.model_name = request.model_name;
    plan.request_id = request.request_id;
    plan.user = request.user;
    Orchestrator orchestrator(std::move(plan), *tools, run, options_);
    RunResult result = orchestrator.Execute();
    if (result.status == RunStatus::kFailed) {
        GetLogger("runtime")->warn("run {} failed: {}", run.id(), DumpJson(result.error));
        run.Append(events::kError, result.error);
        run.AppendRaw(events::kDone, "[DONE]");
        run.Finish(RunStatus::kFailed, nullptr, result.error);
        return;
    }
    if (run.ids().thread_id != 0 && !result.content.empty()) StoreAnswer(run, request, result.content);
    GetLogger("runtime")->debug("run {} {}: {} content items, {}+{} tokens", run.id(), RunStatusName(result.status),
                                result.content.size(), result.usage.input_tokens, result.usage.output_tokens);
    Json final_response = FinalResponse(result, run.ids(), request.model_name);
    run.Append(events::kResponse, final_response);
    run.AppendRaw(events::kDone, "[DONE]");
    run.Finish(result.status, std::move(final_response));
}

void AgentRunner::StoreAnswer(Run& run, const AgentRunRequest& request, const Json& content) {
    RunIds ids = run.ids();
    store::MessageRecord answer;
    answer.thread_id = ids.thread_id;
    answer.parent_id = ids.user_message_id;
    answer.role = "assistant";
    answer.message_payload = DumpJson(content);
    answer.content = answer.message_payload;
    answer.request_id = request.request_id;
    auto stored = threads_->AddMessage(std::move(answer));
    if (!stored) {
        GetLogger("runtime")->warn("run {}: the answer was not stored: {}", ids.run_id, stored.error().message);
        return;
    }
    run.SetAssistantMessageId(stored->message_id);
    run.Append(events::kMetadata, MetadataEvent("assistant", stored->message_id, ids.run_id));
}

}  // namespace oc::runtime
