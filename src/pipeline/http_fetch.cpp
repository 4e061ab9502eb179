#include "pipeline/http_fetch.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <thread>

#include "pipeline/request_template.h"
#include "pipeline/response_actions.h"

namespace oc::pipeline {
namespace {

const char* Reason(int status) {
    switch (status) {
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 410:
            return "Gone";
        case 422:
            return "Unprocessable Entity";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return "";
    }
}

bool Stopped(const FetchEnv& env) { return env.stop != nullptr && env.stop->load(); }

// Sleeps in small slices so a stop request ends the wait quickly. False when stopped.
bool Wait(const FetchEnv& env, long long ms) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < until) {
        if (Stopped(env)) return false;
        auto left = until - std::chrono::steady_clock::now();
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(20)));
    }
    return !Stopped(env);
}

std::string BodySnippet(const std::string& body) {
    std::string s = body.substr(0, 200);
    for (char& c : s) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return body.size() > 200 ? s + "…" : s;
}

// net's "request to <url> failed: <reason>" without the URL part (the caller names it).
std::string TransportReason(const std::string& message, const std::string& url) {
    const std::string prefix = "request to " + url;
    if (message.rfind(prefix, 0) != 0) return message;
    std::string rest = message.substr(prefix.size());
    if (rest.rfind(" failed: ", 0) == 0) return rest.substr(9);
    if (!rest.empty() && rest[0] == ' ') return rest.substr(1);
    return message;
}

}  // namespace

long long RetryDelayMs(const RetryPolicy& policy, int retry, const std::string& retry_after) {
    const long long cap = static_cast<long long>(policy.max_delay_s * 1000);
    long long ra = net::ParseRetryAfterMs(retry_after, static_cast<long long>(std::time(nullptr)));
    // dlt ignores fractional values such as `1.5`.
    if (ra >= 0 && retry_after.find('.') == std::string::npos) return std::clamp(ra, 0LL, cap);
    double s = policy.backoff_factor_s * std::pow(2.0, std::max(0, retry - 1));
    return std::min(cap, static_cast<long long>(s * 1000));
}

Result<FetchResult> FetchWithRetries(const FetchEnv& env, const HttpCall& call,
                                     const std::vector<ResponseAction>& actions,
                                     const std::string& who) {
    const std::string where = who + ": " + call.method + " " + call.url;
    auto secrets = [&env] {
        return env.auth != nullptr ? env.auth->SecretValues() : std::vector<std::string>();
    };
    bool refreshed = false;
    const int attempts = std::max(1, env.policy.max_attempts);
    for (int attempt = 1;; ++attempt) {
        if (Stopped(env)) return MakeError(ErrorCode::kCancelled, where + " was cancelled");
        if (env.limiter != nullptr) env.limiter->Acquire();
        HeaderList headers = call.headers;
        QueryList query = call.query;
        if (env.auth != nullptr) {
            if (auto st = env.auth->Apply(headers, query); !st) {
                return MakeError(st.error().code,
                                 Redact(who + ": " + st.error().message, secrets()));
            }
        }
        net::ClientRequest req;
        req.method = call.method;
        req.url = call.url;
        if (!query.empty()) req.url += "?" + EncodeQuery(query);
        if (!call.body.is_null()) {
            req.body = DumpJson(call.body);
            headers.emplace_back("Content-Type", "application/json");
        } else if (!call.raw_body.empty()) {
            req.body = call.raw_body;
            if (!call.content_type.empty()) headers.emplace_back("Content-Type", call.content_type);
        }
        req.headers = std::move(headers);
        req.max_retries = 0;  // retried here, with dlt's policy
        req.total_timeout_ms = env.policy.timeout_ms;
        req.connect_timeout_ms = std::min(env.policy.timeout_ms, 60000);
        if (env.stop != nullptr) req.is_cancelled = [&env] { return Stopped(env); };
        if (env.requests != nullptr) env.requests->fetch_add(1);
        auto resp = net::HttpClient::Send(req);
        const bool last = attempt >= attempts;
        if (!resp) {
            const ErrorCode code = resp.error().code;
            const bool retryable =
                code == ErrorCode::kUnavailable || code == ErrorCode::kDeadlineExceeded;
            if (code == ErrorCode::kCancelled || !retryable || last) {
                return MakeError(
                    code,
                    Redact(where + " failed: " + TransportReason(resp.error().message, call.url) +
                               (attempt > 1 ? " (after " + std::to_string(attempt) + " attempts)"
                                            : ""),
                           secrets()));
            }
            if (!Wait(env, RetryDelayMs(env.policy, attempt, "")))
                return MakeError(ErrorCode::kCancelled, where + " was cancelled");
            continue;
        }
        const int status = resp->status;
        auto action = MatchResponseAction(actions, status, resp->body);
        if (action == ResponseActionKind::kIgnore) return FetchResult{std::move(*resp), true};
        if (action == ResponseActionKind::kFail) {
            return MakeError(
                ErrorCode::kFailedPrecondition,
                Redact(where + " returned HTTP " + std::to_string(status) +
                           " matching a response_actions `fail` entry: " + BodySnippet(resp->body),
                       secrets()));
        }
        if (status == 401 && !refreshed && env.auth != nullptr &&
            env.auth->InvalidateAfterUnauthorized()) {
            refreshed = true;  // one more try with a fresh token, not counted as a retry
            --attempt;
            continue;
        }
        const bool retryable = action == ResponseActionKind::kRetry || status == 429 ||
                               (status >= 500 && status <= 599);
        if (retryable && !last) {
            if (!Wait(env, RetryDelayMs(env.policy, attempt, resp->Header("retry-after"))))
                return MakeError(ErrorCode::kCancelled, where + " was cancelled");
            continue;
        }
        if (status >= 400 || action == ResponseActionKind::kRetry) {
            std::string kind = status >= 500 ? "Server Error" : "Client Error";
            std::string reason = Reason(status);
            return MakeError(
                status == 401 || status == 403 ? ErrorCode::kUnauthenticated
                                               : ErrorCode::kUnavailable,
                Redact(where + " returned HTTP " + std::to_string(status) + " (" + kind +
                           (reason.empty() ? "" : ": " + reason) + ")" +
                           (attempt > 1 ? " after " + std::to_string(attempt) + " attempts" : "") +
                           (resp->body.empty() ? "" : "; response: " + BodySnippet(resp->body)),
                       secrets()));
        }
        return FetchResult{std::move(*resp), false};
    }
}

}  // namespace oc::pipeline
