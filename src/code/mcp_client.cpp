// MCP config parsing, concurrent connection, tool wrapping and status reporting.
#include "code/mcp_client.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace oc::code {
namespace {

int EnvMs(const char* name, int fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    const int n = std::atoi(v);
    return n > 0 ? n : fallback;
}

// Non-text MCP content blocks as one line the model can read.
std::string BlockText(const Json& block) {
    const std::string type = block.value("type", "");
    if (type == "text") return block.value("text", "");
    if (type == "image" || type == "audio")
        return "[" + type + " " + block.value("mimeType", "") + ", " +
               std::to_string(block.value("data", "").size()) + " base64 chars]";
    if (type == "resource_link") return "[resource " + block.value("uri", "") + "]";
    if (type == "resource" && block.contains("resource") && block["resource"].is_object()) {
        const Json& r = block["resource"];
        return r.contains("text") ? r.value("text", "") : "[resource " + r.value("uri", "") + "]";
    }
    return DumpJson(block);
}

}  // namespace

int McpTimeoutMs() { return EnvMs("MCP_TIMEOUT", 30000); }

McpServerState ConnectMcpServer(const McpServerConfig& config, const SdkControlSender& sdk, int timeout_ms) {
    McpServerState state;
    state.name = config.name;
    state.config = config.raw;
    state.sdk = config.type == "sdk";
    Result<std::unique_ptr<McpTransport>> transport =
        config.type == "stdio"  ? StartStdioTransport(config)
        : config.type == "sse"  ? StartSseTransport(config, timeout_ms)
        : config.type == "http" ? StartHttpTransport(config)
        : config.type == "sdk" && sdk
            ? Result<std::unique_ptr<McpTransport>>(StartSdkTransport(config.name, sdk))
        : config.type == "sdk"
            ? Result<std::unique_ptr<McpTransport>>(MakeError(
                  ErrorCode::kUnavailable, "in-process SDK MCP servers need an SDK host (stream-json mode)"))
            : Result<std::unique_ptr<McpTransport>>(
                  MakeError(ErrorCode::kInvalidArgument, "unknown MCP server type '" + config.type + "'"));
    if (!transport) {
        state.status = "failed";
        state.error = transport.error().message;
        return state;
    }
    Result<Json> init = (*transport)->Request(
        "initialize",
        {{"protocolVersion", "2025-06-18"}, {"capabilities", Json::object()},
         {"clientInfo", {{"name", "cortex"}, {"version", "2.1.0"}}}},
        timeout_ms);
    Result<Json> list = MakeError(ErrorCode::kUnavailable, "not connected");
    if (init) {
        (*transport)->Notify("notifications/initialized", Json::object());
        list = (*transport)->Request("tools/list", Json::object(), timeout_ms);
    }
    if (!init || !list) {
        state.status = "failed";
        state.error = !init ? init.error().message : list.error().message;
        return state;
    }
    state.status = "connected";
    state.server_info = init->value("serverInfo", Json::object());
    state.tools = list->value("tools", Json::array());
    state.client = std::shared_ptr<McpTransport>(std::move(*transport));
    return state;
}

Result<std::vector<McpServerConfig>> ParseMcpConfig(const std::string& value) {
    std::string text = value;
    if (!value.empty() && value.find('{') == std::string::npos) {
        std::ifstream in(value);
        if (!in) return MakeError(ErrorCode::kNotFound, "--mcp-config: cannot read '" + value + "'");
        std::stringstream all;
        all << in.rdbuf();
        text = all.str();
    }
    Json parsed = Json::parse(text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
        return MakeError(ErrorCode::kInvalidArgument, "--mcp-config must be a JSON object or a file holding one");
    std::vector<McpServerConfig> out;
    const Json& servers = parsed.contains("mcpServers") ? parsed["mcpServers"] : Json::object();
    if (!servers.is_object()) return MakeError(ErrorCode::kInvalidArgument, "--mcp-config: mcpServers must be an object");
    for (auto it = servers.begin(); it != servers.end(); ++it) {
        const Json& c = it.value();
        if (!c.is_object())
            return MakeError(ErrorCode::kInvalidArgument, "--mcp-config: server '" + it.key() + "' is not an object");
        McpServerConfig config;
        config.name = it.key();
        config.raw = c;
        config.type = c.contains("type") && c["type"].is_string() ? c["type"].get<std::string>() : "stdio";
        config.command = c.value("command", "");
        config.url = c.value("url", "");
        if (c.contains("args") && c["args"].is_array())
            for (const Json& a : c["args"]) if (a.is_string()) config.args.push_back(a.get<std::string>());
        for (const char* key : {"env", "headers"}) {
            if (!c.contains(key) || !c[key].is_object()) continue;
            auto& target = std::string(key) == "env" ? config.env : config.headers;
            for (auto e = c[key].begin(); e != c[key].end(); ++e)
                if (e.value().is_string()) target[e.key()] = e.value().get<std::string>();
        }
        if (config.type == "stdio" && config.command.empty())
            return MakeError(ErrorCode::kInvalidArgument, "--mcp-config: server '" + config.name + "' needs a command");
        if ((config.type == "sse" || config.type == "http") && config.url.empty())
            return MakeError(ErrorCode::kInvalidArgument, "--mcp-config: server '" + config.name + "' needs a url");
        out.push_back(std::move(config));
    }
    return out;
}

std::vector<BuiltinTool> McpTools(const std::vector<McpServerState>& servers) {
    const int call_timeout_ms = EnvMs("MCP_TOOL_TIMEOUT", 120000);
    std::vector<BuiltinTool> tools;
    for (const auto& server : servers) {
        if (server.status != "connected") continue;
        for (const Json& t : server.tools) {
            if (!t.is_object() || !t.contains("name") || !t["name"].is_string()) continue;
            const std::string name = t["name"];
            BuiltinTool tool{"mcp__" + server.name + "__" + name, t.value("description", ""),
                             t.value("inputSchema", Json{{"type", "object"}}), ToolKind::kExecute, "", nullptr, nullptr};
            auto client = server.client;
            tool.run = [client, name, call_timeout_ms](const Json& input, const ToolContext& ctx) {
                auto result = client->Request("tools/call", {{"name", name}, {"arguments", input}},
                                              call_timeout_ms, ctx.cancel);
                if (!result) return ToolError(result.error().message);
                ToolOutput out;
                for (const Json& block : result->value("content", Json::array())) {
                    if (!block.is_object()) continue;
                    if (!out.text.empty()) out.text += "\n";
                    out.text += BlockText(block);
                }
                if (out.text.empty() && result->contains("structuredContent"))
                    out.text = DumpJson((*result)["structuredContent"]);
                out.is_error = result->value("isError", false);
                out.structured = *result;
                return out;
            };
            tools.push_back(std::move(tool));
        }
    }
    return tools;
}

Json McpInitList(const std::vector<McpServerState>& servers) {
    Json list = Json::array();
    for (const auto& s : servers) list.push_back({{"name", s.name}, {"status", s.status}});
    return list;
}

Json McpStatus(const std::vector<McpServerState>& servers) {
    Json list = Json::array();
    for (const auto& s : servers) {
        Json entry = {{"name", s.name}, {"status", s.status}, {"config", s.config}};
        if (s.sdk) entry["scope"] = "sdk";
        if (!s.error.empty()) entry["error"] = s.error;
        if (s.status == "connected") {
            entry["serverInfo"] = s.server_info;
            Json tools = Json::array();
            for (const Json& t : s.tools) {
                Json tool = {{"name", t.value("name", "")}, {"description", t.value("description", "")}};
                if (t.contains("annotations") && t["annotations"].is_object()) {
                    const Json& a = t["annotations"];
                    Json annotations = Json::object();
                    if (a.contains("readOnlyHint")) annotations["readOnly"] = a["readOnlyHint"];
                    if (a.contains("destructiveHint")) annotations["destructive"] = a["destructiveHint"];
                    if (a.contains("openWorldHint")) annotations["openWorld"] = a["openWorldHint"];
                    tool["annotations"] = annotations;
                }
                tools.push_back(std::move(tool));
            }
            entry["tools"] = tools;
        }
        list.push_back(entry);
    }
    return {{"mcpServers", list}};
}

}  // namespace oc::code
