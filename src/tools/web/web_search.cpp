#include "tools/web/web_search.h"

#include <algorithm>
#include <cstdlib>

#include <toml++/toml.h>

#include "common/text.h"

namespace oc::tools::web {
namespace {

constexpr const char* kBraveUrl = "https://api.search.brave.com";
constexpr const char* kTavilyUrl = "https://api.tavily.com";

Error ConfigError(const std::string& file, const std::string& key, const std::string& what) {
    return MakeError(ErrorCode::kInvalidArgument, file + ": [web_search] " + key + " " + what);
}

Result<std::string> StringKey(const toml::table& t, const char* key, const std::string& file) {
    const toml::node* node = t.get(key);
    if (node == nullptr) return std::string();
    auto v = node->value<std::string>();
    if (!v) return ConfigError(file, key, "must be a string");
    return *v;
}

Result<int> IntKey(const toml::table& t, const char* key, const std::string& file, int lo, int hi, int fallback) {
    const toml::node* node = t.get(key);
    if (node == nullptr) return fallback;
    auto v = node->value<int64_t>();
    if (!v || *v < lo || *v > hi) {
        return ConfigError(file, key, "must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
    }
    return static_cast<int>(*v);
}

// The body's own error message when it has one ("message", "error", "detail", error.message).
std::string ErrorMessage(const std::string& body) {
    Json j = Json::parse(body, nullptr, false);
    if (j.is_object()) {
        for (const char* key : {"message", "error", "detail"}) {
            auto it = j.find(key);
            if (it == j.end()) continue;
            if (it->is_string()) return it->get<std::string>();
            for (const char* inner : {"message", "detail", "error"}) {
                if (it->is_object() && it->contains(inner) && (*it)[inner].is_string()) {
                    return (*it)[inner].get<std::string>();
                }
            }
        }
    }
    return body.substr(0, 200);
}

std::string StringOf(const Json& item, const char* key) {
    auto it = item.find(key);
    return it != item.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string PlainText(const std::string& html) {
    std::string text;
    bool in_tag = false;
    for (char c : html) {
        if (c == '<') in_tag = true;
        else if (c == '>' && in_tag) in_tag = false;
        else if (!in_tag) text += c;
    }
    static const std::pair<const char*, const char*> kEntities[] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&#x27;", "'"},
        {"&nbsp;", " "}};
    for (const auto& [entity, plain] : kEntities) {
        size_t pos = 0;
        while ((pos = text.find(entity, pos)) != std::string::npos) {
            text.replace(pos, std::char_traits<char>::length(entity), plain);
            pos += std::char_traits<char>::length(plain);
        }
    }
    std::string out;
    bool space = false;
    for (char c : text) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

Result<WebSearchConfig> LoadWebSearchConfig(const std::string& path) {
    WebSearchConfig config;
    if (path.empty()) return config;
    toml::table root;
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        return MakeError(ErrorCode::kInvalidArgument,
                         path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
    }
    const toml::node* section = root.get("web_search");
    if (section == nullptr) return config;
    const toml::table* t = section->as_table();
    if (t == nullptr) return MakeError(ErrorCode::kInvalidArgument, path + ": [web_search] must be a table");
    OC_ASSIGN_OR_RETURN(config.provider, StringKey(*t, "provider", path));
    OC_ASSIGN_OR_RETURN(config.url, StringKey(*t, "url", path));
    OC_ASSIGN_OR_RETURN(config.api_key_env, StringKey(*t, "api_key_env", path));
    OC_ASSIGN_OR_RETURN(config.max_results, IntKey(*t, "max_results", path, 1, kMaxWebResults, 5));
    OC_ASSIGN_OR_RETURN(config.timeout_ms, IntKey(*t, "timeout_ms", path, 100, 600000, 10000));
    if (config.provider.empty()) {
        return ConfigError(path, "provider", "is required (searxng, brave or tavily)");
    }
    if (config.provider != "searxng" && config.provider != "brave" && config.provider != "tavily") {
        return ConfigError(path, "provider", "must be searxng, brave or tavily, got '" + config.provider + "'");
    }
    if (config.url.empty()) {
        if (config.provider == "searxng") return ConfigError(path, "url", "is required for provider searxng");
        config.url = config.provider == "brave" ? kBraveUrl : kTavilyUrl;
    }
    if (config.url.rfind("http://", 0) != 0 && config.url.rfind("https://", 0) != 0) {
        return ConfigError(path, "url", "must start with http:// or https://, got '" + config.url + "'");
    }
    while (!config.url.empty() && config.url.back() == '/') config.url.pop_back();
    if (!config.api_key_env.empty()) {
        const char* key = std::getenv(config.api_key_env.c_str());
        if (key == nullptr || *key == '\0') {
            return ConfigError(path, "api_key_env", "names " + config.api_key_env + ", which is not set");
        }
        config.api_key = key;
    } else if (config.provider != "searxng") {
        return ConfigError(path, "api_key_env", "is required for provider " + config.provider);
    }
    return config;
}

net::ClientRequest BuildRequest(const WebSearchConfig& config, const std::string& query, int max_results) {
    max_results = std::clamp(max_results, 1, kMaxWebResults);
    net::ClientRequest r;
    r.total_timeout_ms = config.timeout_ms;
    r.connect_timeout_ms = std::min(config.timeout_ms, 5000);
    r.max_retries = 1;
    r.headers.push_back({"Accept", "application/json"});
    if (config.provider == "tavily") {
        r.method = "POST";
        r.url = config.url + "/search";
        r.headers.push_back({"Content-Type", "application/json"});
        r.headers.push_back({"Authorization", "Bearer " + config.api_key});
        r.body = DumpJson(Json::object({{"query", query}, {"max_results", max_results}}));
        return r;
    }
    r.method = "GET";
    if (config.provider == "brave") {
        r.url = config.url + "/res/v1/web/search?q=" + PercentEncode(query) + "&count=" + std::to_string(max_results);
        r.headers.push_back({"X-Subscription-Token", config.api_key});
    } else {
        r.url = config.url + "/search?q=" + PercentEncode(query) + "&format=json";
        if (!config.api_key.empty()) r.headers.push_back({"Authorization", "Bearer " + config.api_key});
    }
    return r;
}

Result<std::vector<WebResult>> ParseResponse(const std::string& provider, int status, const std::string& body,
                                             int max_results) {
    if (status < 200 || status > 299) {
        return MakeError(ErrorCode::kUnavailable, "the " + provider + " web search answered HTTP " +
                                                      std::to_string(status) + ": " + ErrorMessage(body));
    }
    Json j = Json::parse(body, nullptr, false);
    const Json* items = nullptr;
    if (j.is_object() && provider == "brave") {
        auto web = j.find("web");
        if (web == j.end()) return std::vector<WebResult>{};  // Brave omits "web" when nothing matched
        if (web->is_object() && web->contains("results")) items = &(*web)["results"];
    } else if (j.is_object() && j.contains("results")) {
        items = &j["results"];
    }
    if (items == nullptr || !items->is_array()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "the " + provider + " web search answered with an unexpected body (no results array)");
    }
    const char* snippet_key = provider == "brave" ? "description" : "content";
    std::vector<WebResult> out;
    for (const Json& item : *items) {
        if (static_cast<int>(out.size()) >= max_results) break;
        if (!item.is_object()) continue;
        WebResult r{PlainText(StringOf(item, "title")), StringOf(item, "url"),
                    PlainText(StringOf(item, snippet_key))};
        if (r.url.empty()) continue;
        out.push_back(std::move(r));
    }
    return out;
}

Result<std::vector<WebResult>> Search(const WebSearchConfig& config, const std::string& query, int max_results,
                                      std::function<bool()> is_cancelled) {
    if (!config.configured()) {
        return MakeError(ErrorCode::kFailedPrecondition, "web search is not configured");
    }
    net::ClientRequest request = BuildRequest(config, query, max_results);
    request.is_cancelled = std::move(is_cancelled);
    OC_ASSIGN_OR_RETURN(auto response, net::HttpClient::Send(request));
    return ParseResponse(config.provider, response.status, response.body, std::clamp(max_results, 1, kMaxWebResults));
}

}  // namespace oc::tools::web
