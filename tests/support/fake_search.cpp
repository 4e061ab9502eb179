#include "fake_search.h"

#include <algorithm>
#include <cctype>

#include "common/json.h"
#include "common/log.h"
#include "net/http.h"
#include "net/router.h"
#include "net/server.h"

namespace oc::testing {
namespace {

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::vector<std::string> Words(const std::string& text) {
    std::vector<std::string> out;
    std::string word;
    for (char c : text + " ") {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else {
            if (word.size() >= 3) out.push_back(word);
            word.clear();
        }
    }
    return out;
}

net::HttpResponse JsonReply(int status, const Json& body) {
    net::HttpResponse r;
    r.status = status;
    r.body = DumpJson(body);
    return r;
}

}  // namespace

std::vector<FakeSearchDoc> FakeSearch::DefaultCorpus() {
    return {
        {"opencortex release notes", "https://example.org/opencortex/releases",
         "opencortex ships Cortex Agents, Analyst and Search on DuckDB in one binary."},
        {"DuckDB documentation", "https://duckdb.org/docs/",
         "DuckDB is an in-process SQL OLAP database management system."},
        {"Vega-Lite: a grammar of interactive graphics", "https://vega.github.io/vega-lite/",
         "Vega-Lite is a high-level grammar of interactive graphics & charts."},
    };
}

std::unique_ptr<FakeSearch> FakeSearch::Start(std::string api_key) {
    std::unique_ptr<FakeSearch> fake(new FakeSearch());
    fake->api_key_ = std::move(api_key);
    fake->router_ = std::make_unique<net::Router>();
    FakeSearch* self = fake.get();
    fake->router_->Add("GET", "/search", [self](net::HttpRequest& r) { return self->Handle(r, "searxng"); }, false);
    fake->router_->Add("POST", "/search", [self](net::HttpRequest& r) { return self->Handle(r, "tavily"); }, false);
    fake->router_->Add("GET", "/res/v1/web/search", [self](net::HttpRequest& r) { return self->Handle(r, "brave"); },
                       false);
    net::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.io_threads = 1;
    options.worker_threads = 1;
    fake->server_ = std::make_unique<net::Server>(options, *fake->router_, [](int status, const std::string& m) {
        return JsonReply(status, Json{{"error", m}});
    });
    auto bound = fake->server_->Start();
    if (!bound) {
        GetLogger("fake_search")->error("cannot start: {}", bound.error().message);
        return nullptr;
    }
    fake->port_ = *bound;
    return fake;
}

FakeSearch::~FakeSearch() { Stop(); }

void FakeSearch::Stop() {
    if (server_) server_->Stop();
    server_.reset();
}

std::string FakeSearch::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeSearch::SetCorpus(std::vector<FakeSearchDoc> docs) {
    std::lock_guard lock(mu_);
    corpus_ = std::move(docs);
}

void FakeSearch::FailWith(int status) {
    std::lock_guard lock(mu_);
    fail_status_ = status;
}

std::vector<FakeSearchRequest> FakeSearch::Requests() const {
    std::lock_guard lock(mu_);
    return requests_;
}

std::vector<FakeSearchDoc> FakeSearch::Match(const std::string& query, size_t limit) const {
    std::vector<FakeSearchDoc> out;
    std::vector<std::string> words = Words(query);
    for (const auto& doc : corpus_) {
        if (out.size() >= limit) break;
        std::string hay = Lower(doc.title + " " + doc.content);
        if (std::any_of(words.begin(), words.end(), [&](const std::string& w) { return hay.find(w) != std::string::npos; })) {
            out.push_back(doc);
        }
    }
    return out;
}

net::HttpResponse FakeSearch::Handle(net::HttpRequest& req, const std::string& kind) {
    std::lock_guard lock(mu_);
    requests_.push_back({req.method, req.path, req.query, req.headers, req.body});
    if (fail_status_ != 0) return JsonReply(fail_status_, Json{{"message", "fake search failure"}});
    if (kind == "searxng") {
        // SearXNG answers 403 unless the json format is enabled and asked for.
        if (req.Query("format") != "json") return JsonReply(403, Json{{"error", "format not allowed"}});
        Json results = Json::array();
        for (const auto& d : Match(req.Query("q"), 100)) {
            results.push_back({{"url", d.url}, {"title", d.title}, {"content", d.content}, {"engine", "fake"},
                               {"score", 1.0}});
        }
        return JsonReply(200, Json{{"query", req.Query("q")}, {"number_of_results", results.size()},
                                   {"results", results}, {"answers", Json::array()}});
    }
    if (kind == "brave") {
        if (req.Header("x-subscription-token") != api_key_) {
            return JsonReply(401, Json{{"type", "ErrorResponse"},
                                       {"error", {{"status", 401}, {"code", "SUBSCRIPTION_TOKEN_INVALID"},
                                                  {"detail", "The provided subscription token is invalid."}}}});
        }
        size_t count = req.HasQuery("count") ? std::stoul(req.Query("count")) : 20;
        auto docs = Match(req.Query("q"), count);
        if (docs.empty()) return JsonReply(200, Json{{"type", "search"}, {"query", {{"original", req.Query("q")}}}});
        Json results = Json::array();
        for (const auto& d : docs) {
            // Brave marks matches with <strong> and escapes entities.
            std::string description = "<strong>" + d.content.substr(0, d.content.find(' ')) + "</strong>" +
                                      d.content.substr(d.content.find(' '));
            size_t amp = description.find(" & ");
            if (amp != std::string::npos) description.replace(amp, 3, " &amp; ");
            results.push_back({{"type", "search_result"}, {"title", d.title}, {"url", d.url},
                               {"description", description}});
        }
        return JsonReply(200, Json{{"type", "search"}, {"web", {{"type", "search"}, {"results", results}}}});
    }
    // tavily
    if (req.Header("authorization") != "Bearer " + api_key_) {
        return JsonReply(401, Json{{"detail", {{"error", "Unauthorized: missing or invalid API key."}}}});
    }
    Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("query") || !body["query"].is_string()) {
        return JsonReply(400, Json{{"detail", {{"error", "query is required"}}}});
    }
    size_t limit = body.contains("max_results") && body["max_results"].is_number_integer()
                       ? body["max_results"].get<size_t>()
                       : 5;
    Json results = Json::array();
    for (const auto& d : Match(body["query"].get<std::string>(), limit)) {
        results.push_back({{"title", d.title}, {"url", d.url}, {"content", d.content}, {"score", 0.9}});
    }
    return JsonReply(200, Json{{"query", body["query"]}, {"results", results}, {"response_time", 0.01}});
}

}  // namespace oc::testing
