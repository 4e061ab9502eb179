// Web search backends for the `web_search` agent tool, configured in cortex.toml:
//
//   [web_search]
//   provider = "searxng" | "brave" | "tavily"
//   url = "http://127.0.0.1:8888"    # base URL; required for searxng
//   api_key_env = "BRAVE_API_KEY"     # environment variable with the key (brave, tavily)
//   max_results = 5                   # default per query, 1..20
//   timeout_ms = 10000
//
// Requests: searxng GET {url}/search?q=…&format=json (results[].title/url/content); brave GET
// {url}/res/v1/web/search?q=…&count=N with X-Subscription-Token (web.results[].title/url/
// description); tavily POST {url}/search {"query", "max_results"} with Authorization: Bearer
// (results[].title/url/content). Sent through net/client/http_client.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "net/client/http_client.h"

namespace oc::tools::web {

struct WebSearchConfig {
    std::string provider;  // "" = not configured
    std::string url;       // base URL, no trailing slash
    std::string api_key;   // read from api_key_env at load
    std::string api_key_env;
    int max_results = 5;
    int timeout_ms = 10000;
    bool configured() const { return !provider.empty(); }
};

struct WebResult {
    std::string title;
    std::string url;
    std::string snippet;  // plain text (HTML tags and entities removed)
};

inline constexpr int kMaxWebResults = 20;

// The [web_search] table of a cortex.toml ("" path or no table = not configured). Errors name
// the file and key: unknown provider, missing url (searxng), an api_key_env that is unset or
// missing (brave, tavily), numbers out of range.
Result<WebSearchConfig> LoadWebSearchConfig(const std::string& toml_path);

// The HTTP request of one query (max_results already clamped to 1..kMaxWebResults).
net::ClientRequest BuildRequest(const WebSearchConfig& config, const std::string& query, int max_results);

// The results of a provider's 2xx JSON body, at most max_results; kUnavailable for other
// statuses (with the body's message when it has one), kInvalidArgument for bodies of the
// wrong shape.
Result<std::vector<WebResult>> ParseResponse(const std::string& provider, int status, const std::string& body,
                                             int max_results);

// BuildRequest + HttpClient::Send + ParseResponse. is_cancelled may be empty.
Result<std::vector<WebResult>> Search(const WebSearchConfig& config, const std::string& query, int max_results,
                                      std::function<bool()> is_cancelled);

// Text with HTML tags dropped, common entities decoded and whitespace runs collapsed.
std::string PlainText(const std::string& html);

}  // namespace oc::tools::web
