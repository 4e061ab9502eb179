// One page request of the extract step with dlt's retry policy (reference pipeline.md §6):
// 429, 5xx and connection errors/timeouts are retried up to `request_max_attempts` in all,
// waiting `Retry-After` (seconds or HTTP date, clamped to request_max_retry_delay) or
// request_backoff_factor × 2^(n-1) s; response_actions are applied first (`ignore` beats
// retry); a 401 with oauth2 refreshes the token once; every attempt takes a rate-limit token.
#pragma once

#include <atomic>
#include <string>

#include "common/json.h"
#include "common/result.h"
#include "net/client/http_client.h"
#include "pipeline/auth.h"
#include "pipeline/config.h"
#include "pipeline/rate_limiter.h"

namespace oc::pipeline {

struct RetryPolicy {
    int max_attempts = 5;
    double backoff_factor_s = 1;  // first wait; doubled per retry
    double max_delay_s = 300;
    int timeout_ms = 60000;  // per attempt
};

struct HttpCall {
    std::string method = "GET";
    std::string url;  // without query
    QueryList query;
    HeaderList headers;        // without auth
    Json body;                 // null = none; sent as JSON
    std::string raw_body;      // sent as is when body is null (endpoint `data`)
    std::string content_type;  // of raw_body; "" = none
};

struct FetchEnv {
    RetryPolicy policy;
    TokenBucket* limiter = nullptr;           // null = unlimited
    RequestAuth* auth = nullptr;              // null = none
    const std::atomic<bool>* stop = nullptr;  // set → abort waits and requests (kCancelled)
    std::atomic<int>* requests = nullptr;     // HTTP requests sent (retries included)
};

struct FetchResult {
    net::ClientResponse response;
    bool ignored = false;  // a response action `ignore` matched
};

// `who` prefixes error messages (e.g. "resource `users`"); errors never contain secrets.
Result<FetchResult> FetchWithRetries(const FetchEnv& env, const HttpCall& call,
                                     const std::vector<ResponseAction>& actions,
                                     const std::string& who);

// Wait before retry n (1-based) given a Retry-After header value ("" = none), in ms.
long long RetryDelayMs(const RetryPolicy& policy, int retry, const std::string& retry_after);

}  // namespace oc::pipeline
