#include "pipeline/auth.h"

#include <algorithm>
#include <cctype>

#include "net/client/http_client.h"
#include "pipeline/digest.h"
#include "pipeline/request_template.h"

namespace oc::pipeline {
namespace {

std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool HiddenParam(const std::string& name) {
    static const char* kNames[] = {"api_key",  "token",   "key",          "access_token",
                                   "apikey",   "api-key", "access-token", "secret",
                                   "password", "pwd",     "client_secret"};
    const std::string n = Lower(name);
    for (const char* k : kNames) {
        if (n == k) return true;
    }
    return false;
}

// Masks values of hidden query params: `?api_key=abc&x=1` → `?api_key=***&x=1`.
std::string RedactQueryParams(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        out.push_back(c);
        ++i;
        if (c != '?' && c != '&') continue;
        size_t eq = i;
        while (eq < text.size() && text[eq] != '=' && text[eq] != '&' && text[eq] != ' ' &&
               text[eq] != '#')
            ++eq;
        if (eq >= text.size() || text[eq] != '=') continue;
        const std::string name = text.substr(i, eq - i);
        if (!HiddenParam(name)) continue;
        out += name + "=***";
        size_t end = eq + 1;
        while (end < text.size() && text[end] != '&' && text[end] != ' ' && text[end] != '#' &&
               text[end] != '\n')
            ++end;
        i = end;
    }
    return out;
}

}  // namespace

std::string Redact(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& s : secrets) {
        if (s.size() < 3) continue;
        for (size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 3)) {
            text.replace(pos, s.size(), "***");
        }
        // Also the percent-encoded form, as it appears in query strings.
        const std::string encoded = EncodeQuery({{"", s}}).substr(1);
        if (encoded != s && encoded.size() >= 3) {
            for (size_t pos = text.find(encoded); pos != std::string::npos;
                 pos = text.find(encoded, pos + 3)) {
                text.replace(pos, encoded.size(), "***");
            }
        }
    }
    return RedactQueryParams(text);
}

RequestAuth::RequestAuth(AuthConfig config, int timeout_ms)
    : config_(std::move(config)), timeout_ms_(timeout_ms) {
    if (config_.type == "oauth2_client_credentials" && !config_.access_token.empty()) {
        token_ = config_.access_token;
        preset_token_ = true;
        expires_ = std::chrono::steady_clock::now() +
                   std::chrono::seconds(config_.default_token_expiration);
    }
}

Status RequestAuth::FetchTokenLocked() {
    const std::string url = config_.access_token_url;
    QueryList form = {{"client_id", config_.client_id},
                      {"client_secret", config_.client_secret},
                      {"grant_type", "client_credentials"}};
    for (auto it = config_.access_token_request_data.begin();
         it != config_.access_token_request_data.end(); ++it) {
        form.emplace_back(it.key(), PyStr(*it));
    }
    net::ClientRequest req;
    req.method = "POST";
    req.url = url;
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Accept", "application/json"}};
    req.body = EncodeQuery(form);
    req.max_retries = 2;
    req.initial_backoff_ms = 500;
    req.total_timeout_ms = timeout_ms_;
    ++token_requests_;
    const std::string where = "oauth2_client_credentials: token request to " + url;
    auto resp = net::HttpClient::Send(req);
    if (!resp) {
        return MakeError(ErrorCode::kUnauthenticated,
                         Redact(where + " failed: " + resp.error().message, SecretsLocked()));
    }
    if (resp->status < 200 || resp->status >= 300) {
        return MakeError(ErrorCode::kUnauthenticated,
                         where + " returned HTTP " + std::to_string(resp->status));
    }
    auto doc = ParseJson(resp->body);
    if (!doc || !doc->is_object() || !doc->contains("access_token") ||
        !(*doc)["access_token"].is_string() || (*doc)["access_token"].get<std::string>().empty()) {
        return MakeError(ErrorCode::kUnauthenticated,
                         where + " returned no `access_token` in a JSON object");
    }
    token_ = (*doc)["access_token"].get<std::string>();
    fetched_.push_back(token_);
    long long expires_in = config_.default_token_expiration;
    if (auto e = doc->find("expires_in"); e != doc->end()) {
        if (e->is_number()) {
            expires_in = e->get<long long>();
        } else if (e->is_string()) {
            try {
                expires_in = std::stoll(e->get<std::string>());
            } catch (...) {
            }
        }
    }
    expires_ = std::chrono::steady_clock::now() + std::chrono::seconds(std::max(0LL, expires_in));
    return {};
}

Status RequestAuth::Apply(HeaderList& headers, QueryList& query) {
    const AuthConfig& a = config_;
    if (a.type == "bearer") {
        headers.emplace_back("Authorization", "Bearer " + a.token);
    } else if (a.type == "api_key") {
        if (a.location == "query" || a.location == "param") {
            query.emplace_back(a.name, a.api_key);
        } else if (a.location == "cookie") {
            headers.emplace_back("Cookie", a.name + "=" + a.api_key);
        } else {
            headers.emplace_back(a.name, a.api_key);
        }
    } else if (a.type == "http_basic") {
        headers.emplace_back("Authorization", "Basic " + Base64(a.username + ":" + a.password));
    } else if (a.type == "oauth2_client_credentials") {
        std::lock_guard<std::mutex> lock(mu_);
        if (token_.empty() || std::chrono::steady_clock::now() >= expires_) {
            OC_TRY(FetchTokenLocked());
        }
        headers.emplace_back("Authorization", "Bearer " + token_);
    }
    return {};
}

bool RequestAuth::InvalidateAfterUnauthorized() {
    if (config_.type != "oauth2_client_credentials") return false;
    std::lock_guard<std::mutex> lock(mu_);
    token_.clear();
    preset_token_ = false;
    return true;
}

std::vector<std::string> RequestAuth::SecretValues() const {
    std::lock_guard<std::mutex> lock(mu_);
    return SecretsLocked();
}

std::vector<std::string> RequestAuth::SecretsLocked() const {
    std::vector<std::string> out;
    const AuthConfig& a = config_;
    for (const auto* s : {&a.token, &a.api_key, &a.password, &a.client_secret, &a.access_token}) {
        if (!s->empty()) out.push_back(*s);
    }
    if (a.type == "http_basic") out.push_back(Base64(a.username + ":" + a.password));
    for (const auto& t : fetched_) out.push_back(t);
    return out;
}

int RequestAuth::token_requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return token_requests_;
}

}  // namespace oc::pipeline
