// MCP client for stdio servers from --mcp-config (code-agent-protocol.md §5): spawns each
// server, runs the initialize handshake and tools/list, and exposes its tools to the model as
// `mcp__<server>__<tool>`. sse/http/sdk servers are reported as failed (not supported yet).
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "code/builtin_tool.h"
#include "common/result.h"

namespace oc::code {

struct McpServerConfig {
    std::string name;
    std::string type = "stdio";
    std::string command;
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    Json raw = Json::object();
};

// `value` is JSON text or a path to a JSON file, shaped {"mcpServers": {name: config}}.
Result<std::vector<McpServerConfig>> ParseMcpConfig(const std::string& value);

// One stdio server process speaking newline-delimited JSON-RPC. Thread-safe (one call at a time).
class McpStdioClient {
public:
    static Result<std::unique_ptr<McpStdioClient>> Start(const McpServerConfig& config);
    ~McpStdioClient();
    // Blocks up to timeout_ms for the response with our id; JSON-RPC errors become kUnavailable.
    Result<Json> Request(const std::string& method, const Json& params, int timeout_ms);
    void Notify(const std::string& method, const Json& params);

private:
    McpStdioClient() = default;
    Status WriteLine(const Json& message);
    pid_t pid_ = -1;
    int in_ = -1, out_ = -1;
    int next_id_ = 0;
    std::string buffer_;
    std::mutex mu_;
};

struct McpServerState {
    std::string name;
    std::string status = "pending";  // connected | failed
    std::string error;
    Json config = Json::object();
    Json server_info = Json::object();
    Json tools = Json::array();  // tools/list result entries
    std::shared_ptr<McpStdioClient> client;
};

// Connects every configured server (failures are reported in the state, not returned).
std::vector<McpServerState> ConnectMcpServers(const std::vector<McpServerConfig>& configs);
// The tools of connected servers as built-in tools named mcp__<server>__<tool> (kind kExecute).
std::vector<BuiltinTool> McpTools(const std::vector<McpServerState>& servers);
// init.mcp_servers entries and the mcp_status response body.
Json McpInitList(const std::vector<McpServerState>& servers);
Json McpStatus(const std::vector<McpServerState>& servers);

}  // namespace oc::code
