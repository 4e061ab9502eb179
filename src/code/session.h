// One coding-agent conversation: history, model, tools and the turn loop (user message → model →
// tool_use → permission → tool → tool_result → model … → result). Frames go to a SessionHost;
// code-agent-protocol.md §3 fixes their shapes.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "code/builtin_tool.h"
#include "code/hooks.h"
#include "code/permissions.h"
#include "code/pricing.h"
#include "code/protocol.h"
#include "common/result.h"
#include "llm/model_registry.h"

namespace oc::code {

class McpManager;
class Transcript;

// What the session needs from its driver (stream-json loop, print mode, terminal).
class SessionHost {
public:
    virtual ~SessionHost() = default;
    virtual void Emit(const Json& frame) = 0;
    // True when permission prompts can be routed to the host (--permission-prompt-tool stdio).
    virtual bool CanAskPermission() const { return false; }
    // Sends a CLI→SDK control request body (can_use_tool, hook_callback, mcp_message) and blocks
    // for the host's `response` object. Returns an error when the host answered with an error,
    // stdin closed, cancel was set, or (timeout_ms > 0) no answer came in time: then
    // kDeadlineExceeded, and the request is withdrawn with a control_cancel_request.
    virtual Result<Json> SendControl(const Json& request, const llm::CancelToken& cancel,
                                     int timeout_ms = 0) {
        return MakeError(ErrorCode::kUnimplemented, "no control channel");
    }
};

struct SessionConfig {
    std::string session_id;
    std::string model;                 // name given to ModelRegistry::Resolve ("" = auto)
    std::optional<std::string> system_prompt;  // none = the default coding-agent prompt
    std::string append_system_prompt;
    int max_turns = 0;                 // 0 = unlimited
    bool include_partial_messages = false;
    std::string workdir;
    std::vector<std::string> roots;    // workdir + add dirs
    std::optional<std::vector<std::string>> tool_names;  // none = every built-in
    std::string permission_prompt_tool;
    std::vector<BuiltinTool> extra_tools;     // SQL, CortexAgent; a subagent's MCP tools
    // MCP servers (init.mcp_servers, mcp_status; their tools join every model call). May be null.
    std::shared_ptr<McpManager> mcp;
    Json json_schema = nullptr;               // --json-schema: the final answer's schema (object)
    PriceTable prices;                        // total_cost_usd
    double max_budget_usd = 0;                // --max-budget-usd; 0 = none
    // Set for a subagent session (the Task tool): its Stop hook event is SubagentStop, and it
    // has no Task tool of its own.
    std::string agent_id;
    std::string agent_type;
};

class Session {
public:
    Session(SessionConfig config, const llm::ModelRegistry* registry, PermissionPolicy* policy,
            Transcript* transcript);

    // The system/init frame for the current state.
    Json InitFrame() const;
    // Runs one turn for a user message `content` (string or content blocks) and returns the
    // result summary; the caller emits ResultFrame. Blocks; cancel interrupts it.
    TurnSummary RunTurn(const Json& content, SessionHost& host, const llm::CancelToken& cancel);

    // Thread-safe setters used by control requests while a turn runs.
    Status SetModel(const std::string& name);  // "" = default
    void SetSystemPrompt(std::optional<std::string> prompt, std::string append);
    void SetHooks(std::vector<HookMatcher> hooks);
    // Appends hooks (settings-file hooks first, then initialize.hooks); Hooks() returns all.
    void AddHooks(std::vector<HookMatcher> hooks);
    std::vector<HookMatcher> Hooks() const;
    // The common hook input fields (session_id, transcript_path, cwd, permission_mode, event).
    Json HookInput(const std::string& event) const;
    // Agent names from initialize.agents, reported in system/init.
    void SetAgents(std::vector<std::string> names);
    // Agent definitions ({name: {description, prompt, tools, model, maxTurns}}) for the Task
    // tool, from initialize.agents or --agents; also sets the names.
    void SetAgentDefinitions(const Json& agents);
    // initialize.jsonSchema (TSSDK): same as --json-schema.
    void SetJsonSchema(Json schema);
    // Appends a user message without running a turn (shouldQuery: false).
    void AppendUserMessage(const Json& content);
    void ClearHistory();
    void SetHistory(std::vector<llm::Message> history);
    const std::vector<llm::Message>& History() const { return history_; }

    const std::string& session_id() const { return config_.session_id; }
    std::string model() const;
    std::vector<std::string> ToolNames() const;
    Json McpStatusBody() const;
    McpManager* mcp() const { return config_.mcp.get(); }
    Json Agents() const;

private:
    struct ToolRun {
        bool interrupted = false;
        bool stopped = false;  // a hook said continue: false
        std::string stop_reason;
        bool structured_ok = false;      // StructuredOutput accepted the final answer
        bool structured_failed = false;  // StructuredOutput was called with invalid JSON
    };
    // Tool definitions for one model call (the Task tool lists the agent types; the
    // StructuredOutput tool carries --json-schema). structured_output.cpp.
    std::vector<llm::ToolDef> ToolDefs() const;
    // Calls f on each built-in and extra tool, then on the tools of the MCP servers connected
    // right now, without copying the session's own tools.
    void ForEachTool(const std::function<void(const BuiltinTool&)>& f) const;
    Json JsonSchema() const;
    // StructuredOutput: validates input against the schema (structured_output.cpp).
    ToolOutput RunStructuredOutput(const Json& input, TurnSummary* summary, ToolRun* run) const;
    // A final text answer without StructuredOutput: accepted when it is JSON matching the
    // schema; else the retry nudge for the model ("" = accepted).
    std::string CheckFinalAnswer(const std::string& text, TurnSummary* summary) const;
    // Adds the cost of one model call to the session total; returns the new total.
    double AddCost(const std::string& model_name, const std::string& answer_model, const llm::Usage& usage);
    // The Task tool: runs a subagent session and returns its answer (task_tool.cpp).
    ToolOutput RunTask(const Json& input, const std::string& tool_use_id, SessionHost& host,
                       const llm::CancelToken& cancel, TurnSummary* summary);
    ToolRun ExecuteTool(const llm::ToolCall& call, SessionHost& host, const llm::CancelToken& cancel,
                        TurnSummary* summary);
    std::vector<llm::Message> RequestMessages() const;
    void Record(llm::Message message);

    SessionConfig config_;
    const llm::ModelRegistry* registry_;
    PermissionPolicy* policy_;
    Transcript* transcript_;  // may be null (no persistence)
    std::vector<BuiltinTool> tools_;
    mutable std::mutex mu_;   // guards config_.model and the system prompt
    std::vector<llm::Message> history_;
    std::vector<HookMatcher> hooks_;  // guarded by mu_
    std::vector<std::string> agents_;  // guarded by mu_
    Json agent_defs_ = Json::object();  // guarded by mu_
    double total_cost_usd_ = 0;         // running total of the session (result.total_cost_usd)
};

// `/compact [instructions]` (compact.cpp): fires PreCompact (trigger manual), replaces the history
// with a summary of it, emits system/compact_boundary; a model-less turn (num_turns 0).
bool IsCompactCommand(const std::string& prompt);
TurnSummary CompactConversation(Session& session, const std::string& prompt, SessionHost& host,
                                const llm::CancelToken& cancel);

// A message with only a role and text (other fields default).
llm::Message TextMessage(llm::Role role, std::string text);

// Text of a user message content (string, or the text blocks of an array).
std::string ContentText(const Json& content);

}  // namespace oc::code
