// HTTP+SSE MCP transport (protocol 2024-11-05): a GET opens a text/event-stream whose first
// `endpoint` event names the URL to POST messages to; responses come back as `message` events.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "code/mcp_transport.h"
#include "net/client/http_client.h"
#include "net/client/sse_parser.h"

namespace oc::code {
namespace {

// scheme://host[:port] of an absolute URL.
std::string Origin(const std::string& url) {
    const size_t scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    const size_t slash = url.find('/', scheme + 3);
    return slash == std::string::npos ? url : url.substr(0, slash);
}

std::string Resolve(const std::string& base, const std::string& ref) {
    if (ref.rfind("http://", 0) == 0 || ref.rfind("https://", 0) == 0) return ref;
    if (!ref.empty() && ref[0] == '/') return Origin(base) + ref;
    const size_t slash = base.rfind('/');
    return (slash == std::string::npos ? base : base.substr(0, slash + 1)) + ref;
}

class SseTransport : public McpTransport {
public:
    explicit SseTransport(const McpServerConfig& config) : url_(config.url) {
        for (const auto& [k, v] : config.headers) headers_.emplace_back(k, ExpandEnv(v));
    }

    ~SseTransport() override {
        stop_ = true;
        if (reader_.joinable()) reader_.join();
    }

    Status Open(int timeout_ms) {
        reader_ = std::thread([this] { ReadStream(); });
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                     [this] { return !endpoint_.empty() || closed_; });
        if (!endpoint_.empty()) return {};
        return MakeError(closed_ ? ErrorCode::kUnavailable : ErrorCode::kDeadlineExceeded,
                         closed_ ? error_ : "no endpoint event from " + url_);
    }

    void Notify(const std::string& method, const Json& params) override {
        (void)Post(JsonRpcNotification(method, params), 10000);
    }

    Result<Json> Request(const std::string& method, const Json& params, int timeout_ms) override {
        const int id = next_id_++;
        OC_TRY(Post(JsonRpcRequest(id, method, params), timeout_ms));
        std::unique_lock<std::mutex> lock(mu_);
        const bool done = cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                                       [&] { return responses_.count(id) > 0 || closed_; });
        auto it = responses_.find(id);
        if (it != responses_.end()) {
            Json msg = std::move(it->second);
            responses_.erase(it);
            return ResponseResult(msg, method);
        }
        if (!done) return MakeError(ErrorCode::kDeadlineExceeded, method + " timed out");
        return MakeError(ErrorCode::kUnavailable, "the MCP event stream closed: " + error_);
    }

private:
    Status Post(const Json& message, int timeout_ms) {
        std::string endpoint;
        {
            std::lock_guard<std::mutex> lock(mu_);
            endpoint = endpoint_;
        }
        auto response = PostJsonRpc(endpoint, headers_, "", message, timeout_ms);
        if (!response) return response.error();
        return {};
    }

    void ReadStream() {
        net::SseParser parser([this](const net::SseEvent& event) -> Status {
            std::lock_guard<std::mutex> lock(mu_);
            if (event.event == "endpoint") {
                endpoint_ = Resolve(url_, event.data);
            } else if (event.event == "message") {
                Json msg = Json::parse(event.data, nullptr, false);
                if (msg.is_object() && msg.contains("id") && msg["id"].is_number_integer() &&
                    !msg.contains("method")) {
                    const int id = msg["id"].get<int>();  // before the move below
                    responses_[id] = std::move(msg);
                }
            }
            cv_.notify_all();
            return {};
        });
        net::ClientRequest request;
        request.method = "GET";
        request.url = url_;
        request.headers = headers_;
        request.headers.emplace_back("Accept", "text/event-stream");
        request.max_retries = 0;
        request.total_timeout_ms = 0;
        request.on_body = [&parser](std::string_view chunk) { return parser.Feed(chunk); };
        request.is_cancelled = [this] { return stop_.load(); };
        auto response = net::HttpClient::Send(request);
        std::lock_guard<std::mutex> lock(mu_);
        closed_ = true;
        if (!response) error_ = response.error().message;
        else if (response->status < 200 || response->status > 299)
            error_ = "GET " + url_ + ": HTTP " + std::to_string(response->status);
        else error_ = "the server ended the stream";
        cv_.notify_all();
    }

    const std::string url_;
    std::vector<std::pair<std::string, std::string>> headers_;
    std::atomic<bool> stop_{false};
    std::atomic<int> next_id_{0};
    std::thread reader_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::string endpoint_;
    bool closed_ = false;
    std::string error_;
    std::map<int, Json> responses_;
};

}  // namespace

Result<std::unique_ptr<McpTransport>> StartSseTransport(const McpServerConfig& config, int timeout_ms) {
    if (config.url.empty()) return MakeError(ErrorCode::kInvalidArgument, "url is required");
    auto transport = std::make_unique<SseTransport>(config);
    OC_TRY(transport->Open(timeout_ms));
    return std::unique_ptr<McpTransport>(std::move(transport));
}

}  // namespace oc::code
