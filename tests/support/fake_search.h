// A loopback web search backend for tests: answers SearXNG (`GET /search?q=…&format=json`),
// Brave (`GET /res/v1/web/search?q=…&count=N`, X-Subscription-Token) and Tavily (`POST /search`
// {"query", "max_results"}, Authorization: Bearer) from a small fixed corpus, and records every
// request. A document matches when a query word (3+ letters) occurs in its title or content.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace oc::net {
class Router;
class Server;
struct HttpRequest;
struct HttpResponse;
}  // namespace oc::net

namespace oc::testing {

struct FakeSearchDoc {
    std::string title;
    std::string url;
    std::string content;
};

struct FakeSearchRequest {
    std::string method;
    std::string path;
    std::map<std::string, std::string> query;    // decoded
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};

// Thread-safe.
class FakeSearch {
public:
    // Listens on 127.0.0.1 (any free port). Brave and Tavily routes require api_key.
    static std::unique_ptr<FakeSearch> Start(std::string api_key = "test-search-key");
    ~FakeSearch();
    std::string base_url() const;  // "http://127.0.0.1:PORT"
    void Stop();

    // The corpus (initially three documents: opencortex releases, DuckDB docs, Vega-Lite).
    static std::vector<FakeSearchDoc> DefaultCorpus();
    void SetCorpus(std::vector<FakeSearchDoc> docs);
    // Answer every request with this HTTP status (0 = normal answers).
    void FailWith(int status);
    std::vector<FakeSearchRequest> Requests() const;

private:
    FakeSearch() = default;
    net::HttpResponse Handle(net::HttpRequest& req, const std::string& kind);
    std::vector<FakeSearchDoc> Match(const std::string& query, size_t limit) const;

    std::unique_ptr<net::Router> router_;
    std::unique_ptr<net::Server> server_;
    int port_ = 0;
    std::string api_key_;
    mutable std::mutex mu_;
    std::vector<FakeSearchDoc> corpus_ = DefaultCorpus();
    int fail_status_ = 0;
    std::vector<FakeSearchRequest> requests_;
};

}  // namespace oc::testing
