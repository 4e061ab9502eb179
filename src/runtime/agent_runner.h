// Starts agent runs: applies the thread rules of reference agents-api.md §3.2/§3.8 (history from
// parent links, user message stored first, assistant message at the end), registers the run and
// queues the orchestrator on the run pool. The stream tail (metadata, response, done) is added here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/json.h"
#include "common/result.h"
#include "llm/provider.h"
#include "runtime/orchestrator.h"
#include "runtime/run_registry.h"
#include "runtime/tool.h"

namespace oc::store {
class ThreadRepo;
}  // namespace oc::store

namespace oc::runtime {

struct AgentRunRequest {
    Json agent_spec = Json::object();  // models, instructions, orchestration, tools, tool_resources
    Json messages = Json::array();     // the request's `messages`
    std::optional<int64_t> thread_id;  // with parent_message_id (0 = first turn)
    int64_t parent_message_id = 0;
    llm::ToolChoice tool_choice;
    std::shared_ptr<llm::Provider> provider;
    std::string upstream_model;
    std::string model_name;
    std::string request_id;
    std::string user;
};

// Parses `tool_choice` ({"type": auto|required|none|tool, "name": [...]}); null = auto.
// kInvalidArgument names the field; `tool` names must be tools of the agent spec.
Result<llm::ToolChoice> ParseToolChoice(const Json& tool_choice, const Json& agent_spec);

class AgentRunner {
public:
    // threads may be null (thread_id is then rejected); env and threads must outlive it. The
    // runner owns the run registry: destroying it cancels active runs and joins the run threads.
    AgentRunner(store::ThreadRepo* threads, const ToolEnvironment& env, ToolCatalog catalog,
                RegistryOptions registry_options = {}, OrchestratorOptions options = {});

    // Validates, stores the user message (threads), registers and queues the run. Blocks on
    // DuckDB for thread work. Errors come before any event: kInvalidArgument (messages, parent),
    // kNotFound (thread), kResourceExhausted (run queue full).
    Result<std::shared_ptr<Run>> Start(AgentRunRequest request);

    RunRegistry& registry() { return runs_; }
    // Cancels active runs and joins the run threads (RunRegistry::Shutdown).
    void Shutdown() { runs_.Shutdown(); }

private:
    Result<std::vector<llm::Message>> ThreadHistory(const AgentRunRequest& request);
    void Execute(Run& run, const AgentRunRequest& request, std::vector<llm::Message> history,
                 std::shared_ptr<ToolSet> tools);
    void StoreAnswer(Run& run, const AgentRunRequest& request, const Json& content);

    store::ThreadRepo* threads_;
    const ToolEnvironment& env_;
    ToolCatalog catalog_;
    OrchestratorOptions options_;
    RunRegistry runs_;  // last: its destructor joins the run threads that use the members above
};

}  // namespace oc::runtime
