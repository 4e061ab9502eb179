// Request authentication for the extract step (reference pipeline.md §2.1): bearer, api_key
// (header / query / cookie), http_basic and oauth2_client_credentials (token fetched once,
// cached, refreshed when expired or after a 401). Also the redaction of secret values from
// every message the extract step produces: a secret never reaches a log line or an error.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "pipeline/config.h"

namespace oc::pipeline {

using HeaderList = std::vector<std::pair<std::string, std::string>>;
using QueryList = std::vector<std::pair<std::string, std::string>>;

class RequestAuth {
public:
    // timeout_ms bounds the token request.
    explicit RequestAuth(AuthConfig config, int timeout_ms = 60000);

    // Adds the credentials to a request; for oauth2 this may POST to access_token_url first.
    // Thread-safe: concurrent callers share one token request.
    Status Apply(HeaderList& headers, QueryList& query);

    // After a 401 response: forgets a fetched oauth2 token so the next Apply fetches a new one.
    // True when that can help (oauth2 with a token from the token endpoint).
    bool InvalidateAfterUnauthorized();

    // Secret values in use (tokens, keys, passwords, the Basic header, fetched tokens).
    std::vector<std::string> SecretValues() const;

    int token_requests() const;  // token endpoint calls so far (tests)
    const AuthConfig& config() const { return config_; }

private:
    Status FetchTokenLocked();
    std::vector<std::string> SecretsLocked() const;

    AuthConfig config_;
    int timeout_ms_;
    mutable std::mutex mu_;
    std::string token_;  // oauth2 access token ("" = none yet)
    std::chrono::steady_clock::time_point expires_{};
    bool preset_token_ = false;
    int token_requests_ = 0;
    std::vector<std::string> fetched_;  // every token received, for redaction
};

// Replaces every occurrence of each secret (length >= 3) with `***`, and the values of query
// parameters dlt hides (api_key, token, key, access_token, apikey, api-key, access-token,
// secret, password, pwd, client_secret) in URLs inside text.
std::string Redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace oc::pipeline
