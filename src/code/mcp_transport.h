// MCP transports (JSON-RPC 2.0 framing per transport): stdio (a child process, one JSON message
// per line), sse (the 2024-11-05 HTTP+SSE transport: GET an event stream, POST to the endpoint it
// announces) and http (the 2025-03-26 streamable HTTP transport: POST each message, the reply is
// JSON or an event stream; Mcp-Session-Id kept from initialize).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "llm/provider.h"
#include "net/client/http_client.h"

namespace oc::code {

struct McpServerConfig {
    std::string name;
    std::string type = "stdio";  // stdio | sse | http | sdk
    std::string command;         // stdio
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string url;             // sse, http
    std::map<std::string, std::string> headers;
    Json raw = Json::object();
};

// One connection to a server. Request/Notify are thread-safe.
class McpTransport {
public:
    virtual ~McpTransport() = default;
    // Blocks up to timeout_ms for the response with our id; a JSON-RPC error becomes
    // kUnavailable with its message, a timeout kDeadlineExceeded. When `cancel` (may be null) is
    // set meanwhile, the server gets notifications/cancelled for the request and the call returns
    // kCancelled promptly; the connection stays usable (a late response is dropped).
    virtual Result<Json> Request(const std::string& method, const Json& params, int timeout_ms,
                                 const llm::CancelToken* cancel = nullptr) = 0;
    virtual void Notify(const std::string& method, const Json& params) = 0;
};

// Sends a CLI→SDK control request body (here `mcp_message`) and returns the SDK's `response`
// object; timeout_ms > 0 bounds the wait, `cancel` (may be null) ends it with kCancelled.
using SdkControlSender =
    std::function<Result<Json>(const Json& request, int timeout_ms, const llm::CancelToken* cancel)>;

Result<std::unique_ptr<McpTransport>> StartStdioTransport(const McpServerConfig& config);
// An in-process server of the SDK host (code-agent-protocol.md §5.3): every JSON-RPC message goes
// out as control_request{subtype: mcp_message, server_name, message}; the answer's `mcp_response`
// is the JSON-RPC reply.
std::unique_ptr<McpTransport> StartSdkTransport(const std::string& server_name, SdkControlSender send);
Result<std::unique_ptr<McpTransport>> StartSseTransport(const McpServerConfig& config, int timeout_ms);
Result<std::unique_ptr<McpTransport>> StartHttpTransport(const McpServerConfig& config);

// Helpers shared by the transports.
Json JsonRpcRequest(int id, const std::string& method, const Json& params);
Json JsonRpcNotification(const std::string& method, const Json& params);
// The params of notifications/cancelled for our request `id` (the turn was interrupted); sending
// it waits at most kCancelNotifyTimeoutMs so the interrupted turn still ends promptly.
Json CancelledParams(int id);
inline constexpr int kCancelNotifyTimeoutMs = 2000;
// kCancelled for an interrupted `method`.
Error Interrupted(const std::string& method);
// True for a response (not a server→client request) carrying `id`.
bool IsResponseTo(const Json& message, int id);
// The result of a response message, or its error as kUnavailable.
Result<Json> ResponseResult(const Json& message, const std::string& method);
// POSTs one JSON-RPC message as application/json (no retries, total timeout_ms; `accept` added as
// an Accept header when not empty); a non-2xx reply becomes kUnavailable, a set `cancel` aborts
// the POST with kCancelled.
Result<net::ClientResponse> PostJsonRpc(const std::string& url,
                                        std::vector<std::pair<std::string, std::string>> headers,
                                        const std::string& accept, const Json& message,
                                        int timeout_ms, const llm::CancelToken* cancel = nullptr);
// `${VAR}` and `${VAR:-default}` replaced from the environment (unknown: empty / the default).
std::string ExpandEnv(const std::string& text);

}  // namespace oc::code
