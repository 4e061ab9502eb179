// Agent tools at run time (reference agents-api.md §3.7): the interface every tool type
// implements, and the catalog that builds a run's tools from the agent spec's `tools` and
// `tool_resources`. Tool types register a factory; unknown types are reported, not offered.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "llm/provider.h"

namespace oc::store {
class SystemStore;
}  // namespace oc::store

namespace oc::runtime {

// Services tools may use; owned by the caller (cli/serve), shared by every run.
struct ToolEnvironment {
    store::SystemStore* store = nullptr;  // DuckDB macros run on store->ConnectData()
    int64_t default_query_timeout_ms = 60000;
    // POSTs a JSON body (webhook tools): returns the HTTP status and body. Unset = the outbound
    // HTTP client (net/client/http_client.h).
    std::function<Result<std::pair<int, std::string>>(const std::string& url, const Json& headers,
                                                      const std::string& body, int timeout_ms,
                                                      const llm::CancelToken& cancel)>
        post_json;
};

// What a running tool may see and report; valid for one Execute call.
struct ToolContext {
    const llm::CancelToken& cancel;
    // Emits `response.tool_result.status` (status, message, details).
    std::function<void(const std::string&, const std::string&, const Json&)> report_status;
    std::string request_id;
    std::string user;
    // Search tools number their results from here (citations.h); the run advances it.
    int first_citation_index = 1;
};

struct ToolOutput {
    bool success = true;
    Json content = Json::array();    // ToolResultContent items: {"type":"json"|"text", ...}
    std::vector<Json> extra_items;   // flat items emitted after the result (table, chart, ...)
    std::vector<Json> citations;     // annotations the answer may cite (citations.h), indexed

    static ToolOutput Error(const std::string& message);
    static ToolOutput JsonResult(Json value);
    // What the model reads back: json items dumped, text items as is, joined by newlines.
    std::string ModelText() const;
};

struct ToolSpec {
    std::string type;
    std::string name;
    std::string description;
    Json input_schema = Json::object();
};

class Tool {
public:
    explicit Tool(ToolSpec spec) : spec_(std::move(spec)) {}
    virtual ~Tool() = default;
    const ToolSpec& spec() const { return spec_; }
    // Client-side tools are not executed here: the run ends with their tool_use (§3.7).
    virtual bool client_side() const { return false; }
    // Runs the tool. Never throws; failures are ToolOutput::Error given back to the model.
    // Blocks the run thread; should stop soon after ctx.cancel is set.
    virtual ToolOutput Execute(const Json& input, ToolContext& ctx) = 0;

private:
    ToolSpec spec_;
};

// Builds one tool of a type from its spec and tool_resources entry (null when absent).
using ToolFactory = std::function<Result<std::unique_ptr<Tool>>(
    const ToolSpec& spec, const Json& resource, const ToolEnvironment& env)>;

// The tools of one run, in spec order, plus the warnings of tools that could not be offered.
struct ToolSet {
    std::vector<std::unique_ptr<Tool>> tools;
    std::vector<std::string> warnings;
    Tool* Find(const std::string& name) const;
};

// Type → factory. Register before serving; Build is thread-safe afterwards.
class ToolCatalog {
public:
    // A catalog with the built-in types (generic).
    static ToolCatalog WithBuiltins();
    void Register(const std::string& type, ToolFactory factory);
    // Builds every tool of spec["tools"]; unsupported types and bad resources become warnings.
    ToolSet Build(const Json& agent_spec, const ToolEnvironment& env) const;

private:
    std::map<std::string, ToolFactory> factories_;
};

// Parses one spec["tools"][i] entry (tool_spec.type/name/description/input_schema; a sibling
// `required` is merged into input_schema.required, reference agents-api.md §2.6).
Result<ToolSpec> ParseToolSpec(const Json& tool);

// The tool_resources entry for a tool name (null when absent).
Json FindToolResource(const Json& agent_spec, const std::string& name);

// A resource key read case-insensitively (§2.6: "Max_results", "ID_column" ...); null if absent.
Json ResourceValue(const Json& resource, const std::string& key);

}  // namespace oc::runtime
