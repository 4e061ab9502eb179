// MCP servers from --mcp-config (code-agent-protocol.md §5): connects each server over its
// transport (stdio, sse, http, sdk; mcp_transport.h), runs the initialize handshake and tools/list, and
// exposes its tools to the model as `mcp__<server>__<tool>`. A server that cannot be reached is
// reported `failed` (init.mcp_servers, mcp_status), never fatal.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "code/builtin_tool.h"
#include "code/mcp_transport.h"
#include "common/result.h"

namespace oc::code {

// `value` is JSON text or a path to a JSON file, shaped {"mcpServers": {name: config}}.
// kInvalidArgument for bad JSON or a server config without command (stdio) / url (sse, http).
Result<std::vector<McpServerConfig>> ParseMcpConfig(const std::string& value);

struct McpServerState {
    std::string name;
    std::string status = "pending";  // pending | connected | failed | disabled
    bool sdk = false;                // an in-process server of the SDK host (type sdk)
    std::string error;
    Json config = Json::object();
    Json server_info = Json::object();
    Json tools = Json::array();  // tools/list result entries
    std::shared_ptr<McpTransport> client;
};

// The handshake timeout: $MCP_TIMEOUT ms (default 30000).
int McpTimeoutMs();
// Starts the server's transport, runs initialize + notifications/initialized + tools/list and
// returns the state (failures are reported in it). SDK servers (type sdk) talk through `sdk`;
// without one they fail.
McpServerState ConnectMcpServer(const McpServerConfig& config, const SdkControlSender& sdk, int timeout_ms);
// The tools of connected servers as built-in tools named mcp__<server>__<tool> (kind kExecute:
// they need permission like Bash). Calls time out after $MCP_TOOL_TIMEOUT ms (default 120000);
// an interrupt (ToolContext::cancel) ends one sooner, sending the server notifications/cancelled.
std::vector<BuiltinTool> McpTools(const std::vector<McpServerState>& servers);
// init.mcp_servers entries and the mcp_status response body.
Json McpInitList(const std::vector<McpServerState>& servers);
Json McpStatus(const std::vector<McpServerState>& servers);

}  // namespace oc::code
