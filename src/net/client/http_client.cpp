// libcurl behind HttpClient::Send: a multi handle driven on the calling thread so cancellation
// is polled every few milliseconds, plus the retry/backoff policy. Each thread keeps its curl
// handles between requests, so connections to an upstream are kept alive and reused.
#include "net/client/http_client.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <chrono>
#include <ctime>
#include <mutex>
#include <random>
#include <thread>

#include "net/client/curl_api.h"

#include "common/log.h"
#include "common/text.h"

namespace oc::net {
namespace {

constexpr size_t kMaxBufferedBody = size_t{64} << 20;
constexpr int kPollMs = 50;

void GlobalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

// A multi handle (which owns the connection cache, so a later request to the same host reuses
// the open connection) and one easy handle. Each thread keeps one pair between requests.
struct CurlHandles {
    CURLM* multi = nullptr;
    CURL* easy = nullptr;
    bool in_use = false;

    CurlHandles() = default;
    CurlHandles(const CurlHandles&) = delete;
    CurlHandles& operator=(const CurlHandles&) = delete;
    ~CurlHandles() {
        if (easy) curl_easy_cleanup(easy);
        if (multi) curl_multi_cleanup(multi);  // closes the cached connections
    }
    bool Init() {
        if (!multi) multi = curl_multi_init();
        if (!easy) easy = curl_easy_init();
        return multi && easy;
    }
};

// The calling thread's handles for one Send, reset to defaults (the connection and DNS caches
// stay). A nested Send on the same thread (from a callback) gets a fresh pair instead.
class HandleLease {
public:
    HandleLease() {
        thread_local CurlHandles cached;
        if (cached.in_use) {
            fresh_ = std::make_unique<CurlHandles>();
            handles_ = fresh_.get();
        } else {
            handles_ = &cached;
        }
        handles_->in_use = true;
        ok_ = handles_->Init();
    }
    ~HandleLease() { handles_->in_use = false; }
    HandleLease(const HandleLease&) = delete;
    HandleLease& operator=(const HandleLease&) = delete;

    bool ok() const { return ok_; }
    CURLM* multi() const { return handles_->multi; }
    // The easy handle with every option back at its default, for the next attempt.
    CURL* ResetEasy() const {
        curl_easy_reset(handles_->easy);
        return handles_->easy;
    }

private:
    std::unique_ptr<CurlHandles> fresh_;
    CurlHandles* handles_ = nullptr;
    bool ok_ = false;
};

// Attaches the easy handle to the multi handle for one transfer.
class MultiTransfer {
public:
    MultiTransfer(CURLM* multi, CURL* easy)
        : multi_(multi), easy_(easy), added_(curl_multi_add_handle(multi, easy) == CURLM_OK) {}
    ~MultiTransfer() {
        if (added_) curl_multi_remove_handle(multi_, easy_);
    }
    MultiTransfer(const MultiTransfer&) = delete;
    MultiTransfer& operator=(const MultiTransfer&) = delete;
    bool added() const { return added_; }

private:
    CURLM* multi_;
    CURL* easy_;
    bool added_;
};

// State of one attempt, shared with the curl callbacks.
constexpr size_t kBodyPadding = 64;

struct Attempt {
    const ClientRequest* request = nullptr;
    ClientResponse response;
    bool delivered = false;  // bytes reached request->on_body
    bool cancelled = false;
    bool too_large = false;
    Status body_error;
};

bool Cancelled(Attempt* a) {
    if (!a->cancelled && a->request->is_cancelled && a->request->is_cancelled())
        a->cancelled = true;
    return a->cancelled;
}

std::string Trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto* a = static_cast<Attempt*>(user);
    const size_t total = size * count;
    std::string_view line(data, total);
    if (line.rfind("HTTP/", 0) == 0) {  // a new response (redirects, 100 Continue): start over
        a->response.headers.clear();
        const size_t space = line.find(' ');
        if (space != std::string_view::npos)
            a->response.status = std::atoi(std::string(line.substr(space + 1, 3)).c_str());
        return total;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return total;
    a->response.headers.emplace_back(ToLowerAscii(Trim(line.substr(0, colon))),
                                     Trim(line.substr(colon + 1)));
    return total;
}

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
    auto* a = static_cast<Attempt*>(user);
    const size_t total = size * count;
    const int status = a->response.status;
    if (a->request->on_body && status >= 200 && status < 300) {
        a->delivered = true;
        Status st = a->request->on_body(std::string_view(data, total));
        if (!st) {
            a->body_error = std::move(st);
            return 0;  // aborts with CURLE_WRITE_ERROR
        }
        return total;
    }
    if (a->response.body.size() + total > kMaxBufferedBody) {
        a->too_large = true;
        return 0;
    }
    if (a->response.body.empty()) {
        // The whole body in one allocation, with room for a parser's padding after it (simdjson
        // reads 64 bytes past the end; without them it copies the body).
        const std::string length = a->response.Header("content-length");
        size_t n = 0;
        if (std::from_chars(length.data(), length.data() + length.size(), n).ec == std::errc() &&
            n <= kMaxBufferedBody)
            a->response.body.reserve(n + kBodyPadding);
    }
    a->response.body.append(data, total);
    return total;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return Cancelled(static_cast<Attempt*>(user)) ? 1 : 0;
}

// The URL without its query string, for logs.
std::string LoggableUrl(const std::string& url) { return url.substr(0, url.find('?')); }

HeaderList BuildHeaders(const ClientRequest& request) {
    curl_slist* list = nullptr;
    for (const auto& [name, value] : request.headers) {
        list = curl_slist_append(list, (name + ": " + value).c_str());
    }
    // No 100-continue round trip for bodies. Not with SigV4: libcurl before 8.3 signs that
    // removed header too, and a server then computes another signature.
    if (request.aws_sigv4.empty()) list = curl_slist_append(list, "Expect:");
    return HeaderList(list);
}

// False when the request cannot be made as asked (a libcurl without AWS SigV4).
bool Configure(CURL* h, const ClientRequest& request, curl_slist* headers, Attempt* a) {
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout_ms));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.total_timeout_ms));
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, a);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnWrite);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &OnProgress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, a);
    if (!request.aws_sigv4.empty()) {
        // Without SigV4 the credentials would go out as Basic auth: never set them then.
        if (curl_easy_setopt(h, CURLOPT_AWS_SIGV4, request.aws_sigv4.c_str()) != CURLE_OK)
            return false;
        curl_easy_setopt(h, CURLOPT_USERPWD, request.aws_credentials.c_str());
    }
    if (request.method == "GET") {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
    }
    return true;
}

// Drives the transfer on this thread; returns the easy handle's result code.
CURLcode Drive(CURLM* multi, CURL* easy, Attempt* a) {
    MultiTransfer transfer(multi, easy);
    if (!transfer.added()) return CURLE_FAILED_INIT;
    int running = 1;
    while (running) {
        if (curl_multi_perform(multi, &running) != CURLM_OK) return CURLE_FAILED_INIT;
        if (!running) break;
        if (Cancelled(a)) return CURLE_ABORTED_BY_CALLBACK;
        curl_multi_poll(multi, nullptr, 0, kPollMs, nullptr);
    }
    CURLcode result = CURLE_FAILED_INIT;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy) result = msg->data.result;
    }
    return result;
}

bool RetryableCurlError(CURLcode code, CURL* easy) {
    switch (code) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_PARTIAL_FILE:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM: return true;
        case CURLE_OPERATION_TIMEDOUT: {  // only a connect timeout: a slow answer is not retried
            curl_off_t connect_us = 0;
            curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_us);
            return connect_us == 0;
        }
        default: return false;
    }
}

Error TransportError(CURLcode code, const ClientRequest& request, const Attempt& a) {
    const std::string where = LoggableUrl(request.url);
    if (a.cancelled)
        return MakeError(ErrorCode::kCancelled, "request to " + where + " was cancelled");
    if (!a.body_error) return a.body_error.error();
    if (a.too_large) {
        return MakeError(
            ErrorCode::kResourceExhausted,
            "response from " + where + " exceeds " + std::to_string(kMaxBufferedBody) + " bytes");
    }
    if (code == CURLE_OPERATION_TIMEDOUT) {
        return MakeError(ErrorCode::kDeadlineExceeded,
                         "request to " + where + " timed out after " +
                             std::to_string(request.total_timeout_ms) + " ms");
    }
    return MakeError(ErrorCode::kUnavailable,
                     "request to " + where + " failed: " + curl_easy_strerror(code));
}

int BackoffMs(const ClientRequest& request, int retry) {
    thread_local std::mt19937 rng{std::random_device{}()};
    const long long base = static_cast<long long>(request.initial_backoff_ms)
                           << std::min(retry, 20);
    const long long capped = std::min<long long>(base, request.max_backoff_ms);
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return static_cast<int>(static_cast<double>(capped) * jitter(rng));
}

// Sleeps, waking every few ms to honour cancellation. False when cancelled.
bool SleepUnlessCancelled(const ClientRequest& request, int ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < deadline) {
        if (request.is_cancelled && request.is_cancelled()) return false;
        const auto left = deadline - std::chrono::steady_clock::now();
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(20)));
    }
    return !(request.is_cancelled && request.is_cancelled());
}

bool RetryableStatus(int status) { return status == 429 || (status >= 500 && status <= 599); }

}  // namespace

std::string ClientResponse::Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (EqualsIgnoreCase(key, name)) return value;
    }
    return {};
}

long long ParseRetryAfterMs(std::string_view value, long long now_unix_seconds) {
    const std::string v = Trim(value);
    if (v.empty()) return -1;
    if (std::isdigit(static_cast<unsigned char>(v[0]))) {
        char* end = nullptr;
        const double seconds = std::strtod(v.c_str(), &end);
        if (end != v.c_str() + v.size() || seconds < 0 || seconds > 1e7) return -1;
        return static_cast<long long>(seconds * 1000.0);
    }
    const time_t when = curl_getdate(v.c_str(), nullptr);
    if (when == -1) return -1;
    return std::max<long long>(0, (static_cast<long long>(when) - now_unix_seconds) * 1000);
}

Result<ClientResponse> HttpClient::Send(const ClientRequest& request) {
    if (std::string error; !CurlLibrary().Load(&error)) return MakeError(ErrorCode::kUnavailable, error);
    GlobalInit();
    static const auto log = GetLogger("net");  // loggers are never dropped: look it up once
    const std::string where = LoggableUrl(request.url);
    HeaderList headers = BuildHeaders(request);
    HandleLease handles;
    if (!handles.ok()) return MakeError(ErrorCode::kInternal, "curl_easy_init failed");
    for (int attempt_no = 0;; ++attempt_no) {
        if (request.is_cancelled && request.is_cancelled()) {
            return MakeError(ErrorCode::kCancelled, "request to " + where + " was cancelled");
        }
        CURL* easy = handles.ResetEasy();
        Attempt a;
        a.request = &request;
        if (!Configure(easy, request, headers.get(), &a)) {
            return MakeError(ErrorCode::kUnavailable,
                             "request to " + where + ": this libcurl cannot sign with AWS "
                             "Signature V4 (libcurl 7.75 or newer is needed)");
        }
        const auto started = std::chrono::steady_clock::now();
        const CURLcode code = Drive(handles.multi(), easy, &a);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
        a.response.attempts = attempt_no + 1;
        const bool can_retry = attempt_no < request.max_retries && !a.delivered;
        if (code != CURLE_OK) {
            Error err = TransportError(code, request, a);
            const bool retry = can_retry && !a.cancelled && a.body_error && !a.too_large &&
                               RetryableCurlError(code, easy);
            log->debug("{} {} failed after {} ms (attempt {}): {}", request.method, where, ms,
                       attempt_no + 1, curl_easy_strerror(code));
            if (!retry) return err;
            const int delay = BackoffMs(request, attempt_no);
            log->warn("{} {}: {}; retrying in {} ms", request.method, where,
                      curl_easy_strerror(code), delay);
            if (!SleepUnlessCancelled(request, delay)) {
                return MakeError(ErrorCode::kCancelled, "request to " + where + " was cancelled");
            }
            continue;
        }
        log->debug("{} {} -> {} in {} ms (attempt {})", request.method, where, a.response.status,
                   ms, attempt_no + 1);
        if (!can_retry || !RetryableStatus(a.response.status)) return std::move(a.response);
        int delay = BackoffMs(request, attempt_no);
        const long long retry_after = ParseRetryAfterMs(a.response.Header("retry-after"),
                                                        static_cast<long long>(std::time(nullptr)));
        if (retry_after > request.max_backoff_ms)
            return std::move(a.response);  // too long to wait here
        if (retry_after >= 0) delay = static_cast<int>(retry_after);
        log->warn("{} {} -> {}; retrying in {} ms", request.method, where, a.response.status,
                  delay);
        if (!SleepUnlessCancelled(request, delay)) {
            return MakeError(ErrorCode::kCancelled, "request to " + where + " was cancelled");
        }
    }
}

}  // namespace oc::net
