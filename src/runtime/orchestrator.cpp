#include "runtime/orchestrator.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

#include "common/log.h"
#include "runtime/prompt.h"

namespace oc::runtime {
namespace {

int64_t BudgetField(const Json& spec, const char* key) {
    if (!spec.is_object()) return 0;
    Json orchestration = spec.value("orchestration", Json::object());
    Json budget = orchestration.is_object() ? orchestration.value("budget", Json::object()) : Json::object();
    Json v = budget.is_object() ? budget.value(key, Json()) : Json();
    return v.is_number() && v.get<double>() > 0 ? static_cast<int64_t>(v.get<double>()) : 0;
}

std::string UnableToAnswer(const Json& spec) {
    auto it = spec.is_object() ? spec.find("tool_unable_to_answer") : spec.end();
    return it != spec.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string Truncate(const std::string& s, size_t n) { return s.size() <= n ? s : s.substr(0, n) + "…"; }

}  // namespace

// Forwards streamed deltas to the builder as they arrive and remembers what was streamed.
class Orchestrator::Sink : public llm::StreamSink {
public:
    explicit Sink(ResponseBuilder& builder) : builder_(builder) {}
    void OnText(std::string_view delta) override {
        builder_.TextDelta(delta);
        text_.append(delta);
    }
    void OnThinking(std::string_view delta) override {
        builder_.ThinkingDelta(delta);
        thinking_ = thinking_ || !delta.empty();
    }
    const std::string& text() const { return text_; }
    bool thinking() const { return thinking_; }

private:
    ResponseBuilder& builder_;
    std::string text_;
    bool thinking_ = false;
};

Orchestrator::Orchestrator(RunPlan plan, const ToolSet& tools, Run& run, OrchestratorOptions options)
    : plan_(std::move(plan)), tools_(tools), run_(run), options_(options), builder_(run) {
    builder_.SetCitations(&citations_);
    budget_tokens_ = BudgetField(plan_.agent_spec, "tokens");
    budget_seconds_ = BudgetField(plan_.agent_spec, "seconds");
    if (plan_.tool_choice.kind == llm::ToolChoice::Kind::kNone) return;
    for (const auto& t : tools_.tools) {
        const auto& names = plan_.tool_choice.names;
        if (plan_.tool_choice.kind == llm::ToolChoice::Kind::kTool &&
            std::find(names.begin(), names.end(), t->spec().name) == names.end()) {
            continue;
        }
        offered_.push_back({t->spec().name, t->spec().description, t->spec().input_schema});
    }
}

RunResult Orchestrator::Execute() {
    llm::Message system;
    system.role = llm::Role::kSystem;
    system.text = BuildSystemPrompt(plan_.agent_spec, tools_);
    conversation_.push_back(std::move(system));
    conversation_.insert(conversation_.end(), plan_.history.begin(), plan_.history.end());
    for (const std::string& w : tools_.warnings) builder_.Warning(w, "unsupported_tool");

    std::mutex mu;
    std::condition_variable_any cv;
    std::jthread deadline_watch;
    if (budget_seconds_ > 0) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(budget_seconds_);
        deadline_watch = std::jthread([this, &mu, &cv, deadline](std::stop_token stop) {
            std::unique_lock lock(mu);
            cv.wait_until(lock, stop, deadline, [&stop] { return stop.stop_requested(); });
            if (stop.stop_requested()) return;
            deadline_hit_ = true;
            run_.InterruptForDeadline();
        });
    }

    Step step = Step::kContinue;
    for (int i = 0; step == Step::kContinue; ++i) {
        bool final_call = i >= options_.max_iterations;
        if (final_call) {
            builder_.Warning("The agent reached its limit of " + std::to_string(options_.max_iterations) +
                                 " tool rounds and answers without further tools.",
                             "max_iterations");
        }
        step = Turn(i, final_call);
    }
    if (deadline_watch.joinable()) {
        deadline_watch.request_stop();
        deadline_watch.join();
    }

    RunResult result;
    builder_.CloseBlock();
    switch (step) {
        case Step::kAnswered:
            if (!builder_.has_text()) {
                builder_.Text(UnableToAnswer(plan_.agent_spec));
            }
            break;
        case Step::kBudget: FinishWithBudget(deadline_hit_ ? "time" : "token"); break;
        case Step::kCancelled: result.status = RunStatus::kCancelled; break;
        case Step::kFailed: result.status = RunStatus::kFailed; break;
        default: break;
    }
    result.content = builder_.content();
    result.warnings = builder_.warnings();
    result.usage = usage_;
    result.error = error_;
    return result;
}

llm::ChatRequest Orchestrator::MakeRequest(int iteration, bool final_call) const {
    llm::ChatRequest r;
    r.model = plan_.upstream_model;
    r.messages = conversation_;
    if (offered_.empty()) {
        r.tool_choice.kind = llm::ToolChoice::Kind::kNone;
        return r;
    }
    r.tools = offered_;
    using Kind = llm::ToolChoice::Kind;
    Kind asked = plan_.tool_choice.kind;
    if (final_call) {
        r.tool_choice.kind = Kind::kNone;
    } else if (iteration == 0 && (asked == Kind::kRequired || asked == Kind::kTool)) {
        r.tool_choice = plan_.tool_choice;
    } else {
        r.tool_choice.kind = Kind::kAuto;
    }
    return r;
}

Orchestrator::Step Orchestrator::Turn(int iteration, bool final_call) {
    if (run_.cancel_requested()) return Step::kCancelled;
    if (deadline_hit_ || BudgetSpent()) return Step::kBudget;
    builder_.Status("planning", iteration == 0 ? "Planning the next steps" : "Reviewing the results");
    llm::ChatRequest request = MakeRequest(iteration, final_call);
    Sink sink(builder_);
    Result<llm::ChatResult> result = MakeError(ErrorCode::kInternal, "the model call failed");
    try {
        result = plan_.provider->Chat(request, &sink, run_.cancel_token());
    } catch (const std::exception& e) {
        GetLogger("runtime")->error("run {}: provider threw: {}", run_.id(), e.what());
    }
    if (!result) {
        builder_.CloseBlock();
        if (run_.cancel_requested()) return Step::kCancelled;
        if (deadline_hit_) return Step::kBudget;
        error_ = Json::object({{"code", kRunErrorCode},
                               {"error_code", kRunErrorCode},
                               {"message", "The model call failed: " + result.error().message},
                               {"request_id", plan_.request_id}});
        return Step::kFailed;
    }
    usage_.input_tokens += result->usage.input_tokens;
    usage_.output_tokens += result->usage.output_tokens;
    usage_.cache_read_tokens += result->usage.cache_read_tokens;
    usage_.cache_write_tokens += result->usage.cache_write_tokens;
    if (!sink.thinking() && !result->thinking.empty()) builder_.ThinkingDelta(result->thinking);
    if (sink.text().empty() && !result->text.empty()) builder_.TextDelta(result->text);
    builder_.CloseBlock();
    if (final_call || result->tool_calls.empty()) return Step::kAnswered;
    if (BudgetSpent()) return Step::kBudget;  // the requested tools are not run

    llm::Message assistant;
    assistant.role = llm::Role::kAssistant;
    assistant.text = result->text.empty() ? sink.text() : result->text;
    assistant.thinking = result->thinking;
    assistant.thinking_signature = result->thinking_signature;
    assistant.tool_calls = result->tool_calls;
    for (size_t i = 0; i < assistant.tool_calls.size(); ++i) {
        if (assistant.tool_calls[i].id.empty()) {
            assistant.tool_calls[i].id = "toolu_" + std::to_string(iteration) + "_" + std::to_string(i);
        }
    }
    conversation_.push_back(assistant);
    return RunTools(assistant.tool_calls);
}

Orchestrator::Step Orchestrator::RunTools(const std::vector<llm::ToolCall>& calls) {
    bool client_pending = false;
    for (const llm::ToolCall& call : calls) {
        if (run_.cancel_requested()) return Step::kCancelled;
        if (deadline_hit_) return Step::kBudget;
        Tool* tool = tools_.Find(call.name);
        bool offered = std::any_of(offered_.begin(), offered_.end(),
                                   [&](const llm::ToolDef& d) { return d.name == call.name; });
        std::string type = tool ? tool->spec().type : "generic";
        if (tool && tool->client_side() && offered) {
            builder_.ToolUse(call.id, type, call.name, call.arguments, true);
            client_pending = true;
            continue;
        }
        builder_.Status("executing_tool", "Executing tool `" + call.name + "`");
        builder_.ToolUse(call.id, type, call.name, call.arguments, false);
        ToolOutput out;
        if (!tool || !offered) {
            out = ToolOutput::Error("There is no tool named '" + call.name + "'.");
        } else {
            ToolContext ctx{run_.cancel_token(),
                            [&](const std::string& status, const std::string& message, const Json& details) {
                                builder_.ToolResultStatus(call.id, type, status, message, details);
                            },
                            plan_.request_id, plan_.user};
            ctx.first_citation_index = citations_.next_index();
            try {
                out = tool->Execute(call.arguments, ctx);
            } catch (const std::exception& e) {
                GetLogger("runtime")->error("run {}: tool {} threw: {}", run_.id(), call.name, e.what());
                out = ToolOutput::Error("The tool failed with an internal error.");
            }
        }
        builder_.ToolResult(call.id, type, call.name, out.content, out.success);
        for (const Json& citation : out.citations) citations_.Add(citation);
        for (Json item : out.extra_items) {
            if (!item.contains("tool_use_id")) item["tool_use_id"] = call.id;
            builder_.Item(item);
        }
        llm::Message message;
        message.role = llm::Role::kTool;
        message.tool_call_id = call.id;
        message.tool_name = call.name;
        message.text = out.ModelText();
        message.is_error = !out.success;
        if (out.success) {
            last_result_tool_ = call.name;
            last_result_text_ = message.text;
        }
        conversation_.push_back(std::move(message));
    }
    return client_pending ? Step::kClientTool : Step::kContinue;
}

bool Orchestrator::BudgetSpent() const {
    return budget_tokens_ > 0 && usage_.input_tokens + usage_.output_tokens >= budget_tokens_;
}

void Orchestrator::FinishWithBudget(const std::string& what) {
    builder_.Warning("The run's " + what + " budget was exhausted; this is the best answer so far.",
                     "budget_exhausted");
    builder_.Text(BestAnswer());
}

std::string Orchestrator::BestAnswer() const {
    const std::string head = "The budget ran out before the answer was complete.";
    if (!last_result_text_.empty()) {
        return head + " Latest result from `" + last_result_tool_ + "`: " + Truncate(last_result_text_, 4000);
    }
    if (builder_.has_text()) return head + " Best answer so far: " + builder_.last_text();
    std::string unable = UnableToAnswer(plan_.agent_spec);
    return unable.empty() ? head : unable;
}

Json UsageJson(const llm::Usage& usage, const std::string& model_name) {
    int64_t total = usage.input_tokens;
    int64_t uncached = std::max<int64_t>(0, total - usage.cache_read_tokens - usage.cache_write_tokens);
    Json entry = Json::object();
    entry["model_name"] = model_name;
    entry["input_tokens"] = Json::object({{"total", total},
                                          {"cache_read", usage.cache_read_tokens},
                                          {"cache_write", usage.cache_write_tokens},
                                          {"uncached", uncached}});
    entry["output_tokens"] = Json::object({{"total", usage.output_tokens}});
    entry["context_window"] = 0;  // unknown for configured upstreams
    return Json::object({{"tokens_consumed", Json::array({std::move(entry)})}});
}

Json FinalResponse(const RunResult& result, const RunIds& ids, const std::string& model_name) {
    Json r = Json::object();
    r["role"] = "assistant";
    r["content"] = result.content;
    if (!result.warnings.empty()) {
        Json warnings = Json::array();
        for (const auto& w : result.warnings) warnings.push_back(Json::object({{"message", w}}));
        r["warnings"] = std::move(warnings);
    }
    Json metadata = Json::object();
    metadata["run_id"] = ids.run_id;
    if (ids.thread_id != 0) {
        metadata["thread_id"] = ids.thread_id;
        metadata["user_message_id"] = ids.user_message_id;
        if (ids.assistant_message_id != 0) metadata["assistant_message_id"] = ids.assistant_message_id;
    }
    metadata["usage"] = UsageJson(result.usage, model_name);
    r["metadata"] = std::move(metadata);
    r["schema_version"] = "v2";
    r["status"] = RunStatusName(result.status);
    return r;
}

}  // namespace oc::runtime
