// The CortexAgent tool: asks an agent of a running `cortex serve` (POST …/agents/{name}:run,
// stream: false) and returns its text and tables.
#include <algorithm>
#include <cctype>

#include "code/connection_tools.h"
#include "net/client/http_client.h"

namespace oc::code {
namespace {

constexpr size_t kMaxTableRows = 50;

std::string PathSegment(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '$') {
            out.push_back(static_cast<char>(c));
        } else {
            out += '%';
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

// DB.SCHEMA.NAME → three parts (no quoting support); empty when malformed.
std::vector<std::string> SplitAgentName(const std::string& name) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        const size_t dot = name.find('.', start);
        parts.push_back(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    for (const auto& p : parts)
        if (p.empty() || p.find_first_of(" \t\n/") != std::string::npos) return {};
    return parts.size() == 3 ? parts : std::vector<std::string>{};
}

// A result_set ({resultSetMetaData: {rowType: [{name}]}, data: [[...]]}) as a text table.
std::string RenderResultSet(const Json& rs) {
    std::string text;
    if (!rs.is_object() || !rs.contains("data")) return text;
    const Json& meta = rs.contains("resultSetMetaData") ? rs["resultSetMetaData"] : Json::object();
    if (meta.contains("rowType") && meta["rowType"].is_array()) {
        std::string header;
        for (const Json& col : meta["rowType"]) header += (header.empty() ? "" : " | ") + col.value("name", "");
        text += header + "\n";
    }
    size_t n = 0;
    for (const Json& row : rs["data"]) {
        if (n++ == kMaxTableRows) {
            text += "(" + std::to_string(rs["data"].size()) + " rows, showing the first " +
                    std::to_string(kMaxTableRows) + ")\n";
            break;
        }
        std::string line;
        for (const Json& cell : row)
            line += (line.empty() ? "" : " | ") + (cell.is_string() ? cell.get<std::string>() : DumpJson(cell));
        text += line + "\n";
    }
    return text;
}

ToolOutput RunCortexAgent(const ConnectionProfile& profile, const Json& input, const ToolContext& ctx) {
    const std::string question = StringArg(input, "question");
    if (question.empty()) return ToolError("CortexAgent: question is required");
    std::string agent = StringArg(input, "agent");
    if (SplitAgentName(agent).empty()) agent = profile.agent;  // the offline model fills prose here
    const auto parts = SplitAgentName(agent);
    if (parts.empty())
        return ToolError("CortexAgent: agent must be DB.SCHEMA.NAME (no default agent in the connection "
                         "profile or $CORTEX_AGENT)");
    if (profile.url.empty())
        return ToolError("CortexAgent: no cortex serve URL (set url in the connection profile or $CORTEX_URL)");
    net::ClientRequest req;
    req.method = "POST";
    req.url = profile.url + "/api/v2/databases/" + PathSegment(parts[0]) + "/schemas/" +
              PathSegment(parts[1]) + "/agents/" + PathSegment(parts[2]) + ":run";
    req.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    if (!profile.token.empty()) req.headers.push_back({"Authorization", "Bearer " + profile.token});
    req.body = DumpJson(Json{{"stream", false},
                             {"messages", {{{"role", "user"},
                                            {"content", {{{"type", "text"}, {"text", question}}}}}}}});
    req.total_timeout_ms = 300000;
    req.max_retries = 1;
    const llm::CancelToken* cancel = ctx.cancel;
    req.is_cancelled = [cancel] { return cancel && cancel->cancelled(); };
    auto resp = net::HttpClient::Send(req);
    if (!resp) return ToolError("CortexAgent: " + req.url + ": " + resp.error().message);
    Json body = Json::parse(resp->body, nullptr, false);
    if (resp->status != 200 || body.is_discarded() || !body.is_object() || !body.contains("content")) {
        std::string message = !body.is_discarded() && body.is_object() ? body.value("message", "") : "";
        if (message.empty()) message = resp->body.substr(0, 500);
        return ToolError("CortexAgent: " + agent + " answered HTTP " + std::to_string(resp->status) + ": " + message);
    }
    std::string text, tables, tools;
    for (const Json& item : body["content"]) {
        const std::string type = item.value("type", "");
        if (type == "text") text += (text.empty() ? "" : "\n") + item.value("text", "");
        else if (type == "table" && item.contains("table"))
            tables += RenderResultSet(item["table"].value("result_set", Json::object()));
        else if (type == "tool_use" && item.contains("tool_use"))
            tools += (tools.empty() ? "" : ", ") + item["tool_use"].value("name", item["tool_use"].value("type", ""));
    }
    ToolOutput out;
    out.text = text;
    if (!tables.empty()) out.text += "\n\n" + tables;
    if (!tools.empty()) out.text += "\n(tools used by " + agent + ": " + tools + ")";
    out.structured = {{"agent", agent}, {"status", resp->status}, {"response", body}};
    return out;
}

}  // namespace

BuiltinTool MakeCortexAgentTool(const ConnectionProfile& profile) {
    std::string desc = "CortexAgent: ask a Cortex agent of the cortex serve at " + profile.url +
                       " a question in natural language and get its answer (text and tables).";
    if (!profile.agent.empty()) desc += " Default agent: " + profile.agent + ".";
    BuiltinTool t{"CortexAgent", desc,
                  {{"type", "object"},
                   {"properties",
                    {{"question", {{"type", "string"}, {"description", "The question for the agent"}}},
                     {"agent", {{"type", "string"}, {"description", "The agent as DB.SCHEMA.NAME"}}}}},
                   {"required", {"question"}}},
                  ToolKind::kExecute, "", nullptr};
    t.run = [profile](const Json& in, const ToolContext& ctx) { return RunCortexAgent(profile, in, ctx); };
    return t;
}

}  // namespace oc::code
