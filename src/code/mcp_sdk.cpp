// The SDK MCP transport: JSON-RPC to an in-process server of the SDK host, carried by
// `mcp_message` control requests (code-agent-protocol.md §5.3).
#include <atomic>

#include "code/mcp_transport.h"

namespace oc::code {
namespace {

class SdkTransport : public McpTransport {
public:
    SdkTransport(std::string server_name, SdkControlSender send)
        : server_name_(std::move(server_name)), send_(std::move(send)) {}

    Result<Json> Request(const std::string& method, const Json& params, int timeout_ms,
                         const llm::CancelToken* cancel) override {
        const int id = next_id_++;
        auto answer = Send(JsonRpcRequest(id, method, params), timeout_ms, cancel);
        if (!answer && cancel && cancel->cancelled()) {
            (void)Send(JsonRpcNotification("notifications/cancelled", CancelledParams(id)), kCancelNotifyTimeoutMs);
            return Interrupted(method);
        }
        if (!answer) return answer.error();
        // The SDKs answer {"mcp_response": <JSON-RPC response>}.
        const Json reply = answer->contains("mcp_response") ? (*answer)["mcp_response"] : *answer;
        if (!reply.is_object())
            return MakeError(ErrorCode::kUnavailable, method + ": the SDK answered without an mcp_response");
        return ResponseResult(reply, method);
    }

    void Notify(const std::string& method, const Json& params) override {
        (void)Send(JsonRpcNotification(method, params), kNotifyTimeoutMs);  // only acked
    }

private:
    static constexpr int kNotifyTimeoutMs = 10000;

    Result<Json> Send(const Json& message, int timeout_ms, const llm::CancelToken* cancel = nullptr) {
        return send_({{"subtype", "mcp_message"}, {"server_name", server_name_}, {"message", message}},
                     timeout_ms, cancel);
    }

    const std::string server_name_;
    const SdkControlSender send_;
    std::atomic<int> next_id_{0};
};

}  // namespace

std::unique_ptr<McpTransport> StartSdkTransport(const std::string& server_name, SdkControlSender send) {
    return std::make_unique<SdkTransport>(server_name, std::move(send));
}

}  // namespace oc::code
