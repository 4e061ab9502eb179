// Streamable HTTP MCP transport (protocol 2025-03-26 and later): every message is a POST to the
// server URL; a request's reply is an application/json body or a text/event-stream carrying it.
// The Mcp-Session-Id from the initialize reply goes on every later request; DELETE ends it.
#include <atomic>
#include <mutex>

#include "code/mcp_transport.h"
#include "net/client/http_client.h"
#include "net/client/sse_parser.h"

namespace oc::code {
namespace {

class HttpTransport : public McpTransport {
public:
    explicit HttpTransport(const McpServerConfig& config) : url_(config.url) {
        for (const auto& [k, v] : config.headers) headers_.emplace_back(k, ExpandEnv(v));
    }

    ~HttpTransport() override {
        const std::string session = SessionId();
        if (session.empty()) return;
        net::ClientRequest request;
        request.method = "DELETE";
        request.url = url_;
        request.headers = Headers();
        request.max_retries = 0;
        request.connect_timeout_ms = 1000;
        request.total_timeout_ms = 2000;
        (void)net::HttpClient::Send(request);
    }

    void Notify(const std::string& method, const Json& params) override {
        (void)Post(JsonRpcNotification(method, params), kNotifyTimeoutMs);
    }

    Result<Json> Request(const std::string& method, const Json& params, int timeout_ms,
                         const llm::CancelToken* cancel) override {
        const int id = next_id_++;
        auto response = Post(JsonRpcRequest(id, method, params), timeout_ms, cancel);
        if (!response && cancel && cancel->cancelled()) {
            (void)Post(JsonRpcNotification("notifications/cancelled", CancelledParams(id)), kCancelNotifyTimeoutMs);
            return Interrupted(method);
        }
        if (!response) return response.error();
        if (method == "initialize") {
            std::lock_guard<std::mutex> lock(mu_);
            session_id_ = response->Header("mcp-session-id");
        }
        std::vector<Json> messages;
        if (response->Header("content-type").find("text/event-stream") != std::string::npos) {
            net::SseParser parser([&messages](const net::SseEvent& event) -> Status {
                Json msg = Json::parse(event.data, nullptr, false);
                if (!msg.is_discarded()) messages.push_back(std::move(msg));
                return {};
            });
            OC_TRY(parser.Feed(response->body));
            OC_TRY(parser.Feed("\n\n"));
        } else {
            Json msg = Json::parse(response->body, nullptr, false);
            if (msg.is_array()) messages.insert(messages.end(), msg.begin(), msg.end());
            else if (!msg.is_discarded()) messages.push_back(std::move(msg));
        }
        for (const Json& msg : messages)
            if (IsResponseTo(msg, id)) {
                auto result = ResponseResult(msg, method);
                if (result && method == "initialize") {
                    std::lock_guard<std::mutex> lock(mu_);
                    protocol_version_ = result->value("protocolVersion", "");
                }
                return result;
            }
        return MakeError(ErrorCode::kUnavailable, method + ": the reply held no response to our request");
    }

private:
    static constexpr int kNotifyTimeoutMs = 10000;

    std::string SessionId() {
        std::lock_guard<std::mutex> lock(mu_);
        return session_id_;
    }

    std::vector<std::pair<std::string, std::string>> Headers() {
        std::lock_guard<std::mutex> lock(mu_);
        auto headers = headers_;
        if (!session_id_.empty()) headers.emplace_back("Mcp-Session-Id", session_id_);
        if (!protocol_version_.empty()) headers.emplace_back("MCP-Protocol-Version", protocol_version_);
        return headers;
    }

    Result<net::ClientResponse> Post(const Json& message, int timeout_ms,
                                     const llm::CancelToken* cancel = nullptr) {
        return PostJsonRpc(url_, Headers(), "application/json, text/event-stream", message,
                           timeout_ms, cancel);
    }

    const std::string url_;
    std::vector<std::pair<std::string, std::string>> headers_;
    std::atomic<int> next_id_{0};
    std::mutex mu_;
    std::string session_id_;
    std::string protocol_version_;
};

}  // namespace

Result<std::unique_ptr<McpTransport>> StartHttpTransport(const McpServerConfig& config) {
    if (config.url.empty()) return MakeError(ErrorCode::kInvalidArgument, "url is required");
    return std::unique_ptr<McpTransport>(std::make_unique<HttpTransport>(config));
}

}  // namespace oc::code
