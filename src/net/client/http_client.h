// Outbound HTTP over libcurl: one blocking request on the calling thread, with timeouts,
// cancellation, retries (connection errors, 429, 5xx; Retry-After honoured) and streamed bodies.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace oc::net {

struct ClientRequest {
    std::string method = "POST";
    std::string url;
    // Sent as given. Values are never logged (they carry Authorization / API keys).
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // AWS Signature V4 by libcurl (CURLOPT_AWS_SIGV4), e.g. "aws:amz:us-east-1:s3", with
    // aws_credentials "<access key id>:<secret key>"; empty = unsigned.
    std::string aws_sigv4;
    std::string aws_credentials;

    int connect_timeout_ms = 10000;
    int total_timeout_ms = 120000;  // per attempt, 0 = none
    int max_retries = 3;            // extra attempts after the first
    int initial_backoff_ms = 500;   // doubled per retry, with jitter (50..100%)
    int max_backoff_ms =
        30000;  // cap for backoff and Retry-After; a longer Retry-After ends retrying

    // When set, 2xx response bytes go here as they arrive (SSE) instead of ClientResponse::body.
    // An error aborts the transfer and becomes Send's result. Once a byte was delivered here the
    // request is never retried. Non-2xx bodies are always buffered into ClientResponse::body.
    std::function<Status(std::string_view chunk)> on_body;
    // Polled by libcurl's progress callback (every ~50 ms at most, also while waiting for bytes)
    // and during backoff sleeps; true aborts the request with kCancelled.
    std::function<bool()> is_cancelled;
};

struct ClientResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, last response
    std::string body;  // whole body, unless on_body consumed a 2xx body
    int attempts = 0;  // requests sent, retries included

    // Header value or "" (name in any case).
    std::string Header(std::string_view name) const;
};

class HttpClient {
public:
    // Blocks until the response is complete. Any HTTP status is a value (after retries for 429
    // and 5xx ran out); errors are transport failures only: kCancelled, kDeadlineExceeded
    // (timeouts), kUnavailable (connection failures), or the error on_body returned.
    // Thread-safe: each thread uses its own curl handles, kept between calls so a connection to
    // the same host is reused (idle connections are kept per thread; curl drops stale ones).
    static Result<ClientResponse> Send(const ClientRequest& request);
};

// Retry-After as milliseconds from now: delta-seconds or an HTTP date; -1 when absent/invalid.
long long ParseRetryAfterMs(std::string_view value, long long now_unix_seconds);

}  // namespace oc::net
