// The live MCP server set of a session (code-agent-protocol.md §5): servers from --mcp-config and
// in-process SDK servers (initialize.sdkMcpServers, or --mcp-config entries of type sdk), their
// state for system/init and mcp_status, and the control requests that change it at run time:
// mcp_toggle (a disabled server is disconnected and its tools leave the tool list of the next
// model call) and mcp_reconnect (the server's transport is restarted, e.g. a new stdio child).
// Thread-safe; connecting never holds the lock.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "code/mcp_client.h"

namespace oc::code {

class McpManager {
public:
    // Connects every non-SDK server concurrently; SDK servers stay `pending` until ConnectSdk
    // (or FailSdk when no SDK host will come).
    void Start(const std::vector<McpServerConfig>& configs);
    // Adds SDK servers by name (initialize.sdkMcpServers; known names are kept) and connects
    // every pending SDK server through `send` (blocking: the handshake goes over stdin/stdout,
    // so the caller must not be the stdin reader).
    void ConnectSdk(const std::vector<std::string>& names, SdkControlSender send);
    // True when some SDK server is still pending (ConnectSdk has work to do).
    bool HasPendingSdk() const;
    // Pending SDK servers become `failed` with this reason (print and terminal modes).
    void FailPendingSdk(const std::string& reason);

    // mcp_toggle: disabled → status `disabled`, disconnected, no tools; enabled → connected anew
    // (no-op when already enabled). kNotFound for an unknown name.
    Status Toggle(const std::string& name, bool enabled);
    // mcp_reconnect: restarts the transport and redoes the handshake. kNotFound for an unknown
    // name, kFailedPrecondition for a disabled server, kUnavailable when the reconnect fails.
    Status Reconnect(const std::string& name);
    // True for a known SDK server (SDK→CLI mcp_message acks).
    bool IsSdkServer(const std::string& name) const;

    // The tools of connected servers (mcp__<server>__<tool>), the init list and mcp_status body.
    std::vector<BuiltinTool> Tools() const;
    Json InitList() const;
    Json StatusBody() const;
    // Names and states of servers that failed to connect (for startup warnings).
    std::vector<McpServerState> Failed() const;

private:
    // Connects config and stores the state under its name (unless disabled meanwhile).
    Status ConnectOne(const McpServerConfig& config);

    mutable std::mutex mu_;
    std::vector<McpServerConfig> configs_;  // parallel to servers_
    std::vector<McpServerState> servers_;
    SdkControlSender sdk_;
};

}  // namespace oc::code
