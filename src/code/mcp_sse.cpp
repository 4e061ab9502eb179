// HTTP+SSE MCP transport (protocol 2024-11-05): a GET opens a text/event-stream whose first
// `endpoint` event names the URL to POST messages to; responses come back as `message` events.
#include <algorithm>
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
        (void)Post(JsonRpcNotification(method, params), kNotifyTimeoutMs);
    }

    Result<Json> Request(const std::string& method, const Json& params, int timeout_ms,
                         const llm::CancelToken* cancel) override {
        const int id = next_id_++;
        Status posted = Post(JsonRpcRequest(id, method, params), timeout_ms, cancel);
        if (!posted && cancel && cancel->cancelled()) return Cancel(id, method);
        if (!posted) return posted.error();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        std::unique_lock<std::mutex> lock(mu_);
        bool done = false, interrupted = false;
        while (!(done = responses_.count(id) > 0 || closed_)) {
            if (cancel && cancel->cancelled()) { interrupted = true; break; }
            const auto now = std::chrono::steady_clock::now();
            if (now >= deadline) break;
            // Short slices while a cancel token is watched: an interrupt must end the wait soon.
            cv_.wait_until(lock, cancel ? std::min(deadline, now + std::chrono::milliseconds(50)) : deadline);
        }
        auto it = responses_.find(id);
        if (it != responses_.end()) {
            Json msg = std::move(it->second);
            responses_.erase(it);
            return ResponseResult(msg, method);
        }
        if (interrupted) {
            lock.unlock();
            return Cancel(id, method);
        }
        if (!done) return MakeError(ErrorCode::kDeadlineExceeded, method + " timed out");
        return MakeError(ErrorCode::kUnavailable, "the MCP event stream closed: " + error_);
    }

private:
    static constexpr int kNotifyTimeoutMs = 10000;

    Error Cancel(int id, const std::string& method) {
        (void)Post(JsonRpcNotification("notifications/cancelled", CancelledParams(id)), kCancelNotifyTimeoutMs);
        return Interrupted(method);
    }

    Status Post(const Json& message, int timeout_ms, const llm::CancelToken* cancel = nullptr) {
        std::string endpoint;
        {
            std::lock_guard<std::mutex> lock(mu_);
            endpoint = endpoint_;
        }
        auto response = PostJsonRpc(endpoint, headers_, "", message, timeout_ms, cancel);
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
