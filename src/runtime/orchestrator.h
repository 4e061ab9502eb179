// The agent loop of one run: model → tools → model until an answer, with tool_choice, an
// iteration cap and the budget (seconds, tokens); emits the content events of reference
// agents-api.md §3.4-§3.5. The caller adds thread metadata, the final `response` (§3.6), `done`.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/json.h"
#include "llm/provider.h"
#include "runtime/citations.h"
#include "runtime/response_builder.h"
#include "runtime/run.h"
#include "runtime/tool.h"

namespace oc::runtime {

inline constexpr const char* kRunErrorCode = "399504";

struct OrchestratorOptions {
    // Model calls that may request tools; then one last call without tools must answer.
    int max_iterations = 8;
};

// Everything one run needs, validated by the caller.
struct RunPlan {
    Json agent_spec = Json::object();   // instructions, orchestration, tools, tool_resources, ...
    std::vector<llm::Message> history;  // the conversation up to and including the new question
    llm::ToolChoice tool_choice;
    std::shared_ptr<llm::Provider> provider;
    std::string upstream_model;  // sent to the provider
    std::string model_name;      // reported in usage (the name the agent asked for)
    std::string request_id;
    std::string user;
};

struct RunResult {
    RunStatus status = RunStatus::kCompleted;  // completed, cancelled or failed
    Json content = Json::array();              // the final response content
    std::vector<std::string> warnings;
    llm::Usage usage;
    Json error;  // the `error` event payload when failed
};

// One Execute per object, on the run thread. `tools` and `run` must outlive it.
class Orchestrator {
public:
    Orchestrator(RunPlan plan, const ToolSet& tools, Run& run, OrchestratorOptions options = {});

    // Blocks until the run completes, is cancelled (run.Cancel()) or fails upstream. Never throws.
    RunResult Execute();

private:
    enum class Step { kContinue, kAnswered, kClientTool, kBudget, kCancelled, kFailed };
    class Sink;

    Step Turn(int iteration, bool final_call);
    Step RunTools(const std::vector<llm::ToolCall>& calls);
    void FinishWithBudget(const std::string& what);
    std::string BestAnswer() const;
    bool BudgetSpent() const;
    llm::ChatRequest MakeRequest(int iteration, bool final_call) const;

    RunPlan plan_;
    const ToolSet& tools_;
    Run& run_;
    OrchestratorOptions options_;
    ResponseBuilder builder_;
    CitationPool citations_;  // documents search tools returned, cited by text blocks
    std::vector<llm::Message> conversation_;  // system + history + this run's turns
    std::vector<llm::ToolDef> offered_;
    int64_t budget_tokens_ = 0;   // 0 = unlimited
    int64_t budget_seconds_ = 0;  // 0 = unlimited
    std::atomic<bool> deadline_hit_{false};
    llm::Usage usage_;
    std::string last_result_tool_;
    std::string last_result_text_;
    Json error_;
};

// The final `response` object of §3.6 for a completed or cancelled run.
Json FinalResponse(const RunResult& result, const RunIds& ids, const std::string& model_name);

// The usage object {"tokens_consumed": [...]} of §3.6.
Json UsageJson(const llm::Usage& usage, const std::string& model_name);

}  // namespace oc::runtime
