#include "llm/embeddings.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <toml++/toml.h>

#include "llm/upstream.h"
#include "net/client/http_client.h"

namespace oc::llm {
namespace {

constexpr const char* kLabel = "embeddings";

Error ConfigError(const std::string& where, const std::string& message) {
    return MakeError(ErrorCode::kInvalidArgument, where + ": " + message);
}

Status Validate(const EmbeddingConfig& c, const std::string& where) {
    if (c.provider != "openai_compatible") {
        return ConfigError(where, "embeddings.provider must be openai_compatible, got '" + c.provider + "'");
    }
    if (c.base_url.empty()) return ConfigError(where, "embeddings.base_url is required");
    if (c.model.empty()) return ConfigError(where, "embeddings.model is required");
    if (c.batch_size < 1 || c.batch_size > 2048)
        return ConfigError(where, "embeddings.batch_size must be in 1..2048");
    return {};
}

class OpenAiEmbeddings : public EmbeddingProvider {
public:
    explicit OpenAiEmbeddings(EmbeddingConfig config) : config_(std::move(config)) {}

    Result<std::vector<std::vector<float>>> Embed(const std::vector<std::string>& texts) override {
        if (texts.empty()) return std::vector<std::vector<float>>{};
        net::ClientRequest req;
        req.method = "POST";
        req.url = JoinUrl(config_.base_url, "/embeddings");
        req.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
        if (!config_.api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + config_.api_key);
        Json body = Json::object();
        body["model"] = config_.model;
        body["input"] = texts;
        req.body = DumpJson(body);
        req.total_timeout_ms = config_.timeout_seconds * 1000;
        req.max_retries = config_.max_retries;
        req.initial_backoff_ms = 200;
        OC_ASSIGN_OR_RETURN(net::ClientResponse resp, net::HttpClient::Send(req));
        if (resp.status < 200 || resp.status >= 300) return UpstreamHttpError(kLabel, resp.status, resp.body);
        auto parsed = ParseJson(resp.body);
        if (!parsed) return MakeError(ErrorCode::kUnavailable, "embeddings: the upstream answered with no JSON");
        return ParseEmbeddingResponse(*parsed, texts.size());
    }

    std::string Identity() const override {
        return config_.provider + " " + config_.base_url + " " + config_.model;
    }
    size_t batch_size() const override { return static_cast<size_t>(config_.batch_size); }

private:
    EmbeddingConfig config_;
};

}  // namespace

Result<std::optional<EmbeddingConfig>> LoadEmbeddingConfig(const std::string& config_path) {
    if (config_path.empty()) return std::optional<EmbeddingConfig>{};
    toml::table root;
    try {
        root = toml::parse_file(config_path);
    } catch (const toml::parse_error& e) {
        return MakeError(ErrorCode::kInvalidArgument,
                         config_path + ":" + std::to_string(e.source().begin.line) + ": " +
                             std::string(e.description()));
    }
    const toml::node* node = root.get("embeddings");
    if (!node) return std::optional<EmbeddingConfig>{};
    const std::string table_where = config_path + ":" + std::to_string(node->source().begin.line);
    const toml::table* table = node->as_table();
    if (!table) return ConfigError(table_where, "embeddings must be a table");
    EmbeddingConfig c;
    for (const auto& [key_node, value] : *table) {
        const std::string key(key_node.str());
        const std::string where = config_path + ":" + std::to_string(value.source().begin.line);
        auto read_string = [&](std::string* out) -> Status {
            if (!value.is_string()) return ConfigError(where, "embeddings." + key + " must be a string");
            *out = *value.value<std::string>();
            return {};
        };
        auto read_int = [&](int lo, int hi, int* out) -> Status {
            auto v = value.value<int64_t>();
            if (!value.is_integer() || !v || *v < lo || *v > hi) {
                return ConfigError(where, "embeddings." + key + " must be an integer in " +
                                              std::to_string(lo) + ".." + std::to_string(hi));
            }
            *out = static_cast<int>(*v);
            return {};
        };
        if (key == "provider") OC_TRY(read_string(&c.provider));
        else if (key == "base_url") OC_TRY(read_string(&c.base_url));
        else if (key == "model") OC_TRY(read_string(&c.model));
        else if (key == "api_key_env") OC_TRY(read_string(&c.api_key_env));
        else if (key == "batch_size") OC_TRY(read_int(1, 2048, &c.batch_size));
        else if (key == "timeout_seconds") OC_TRY(read_int(1, 3600, &c.timeout_seconds));
        else if (key == "max_retries") OC_TRY(read_int(0, 10, &c.max_retries));
        else return ConfigError(where, "unknown key embeddings." + key);
    }
    OC_TRY(Validate(c, table_where));
    if (!c.api_key_env.empty()) {
        const char* key = std::getenv(c.api_key_env.c_str());
        if (key) c.api_key = key;
    }
    return std::optional<EmbeddingConfig>(std::move(c));
}

Result<std::unique_ptr<EmbeddingProvider>> MakeEmbeddingProvider(EmbeddingConfig config) {
    OC_TRY(Validate(config, "embeddings"));
    return std::unique_ptr<EmbeddingProvider>(std::make_unique<OpenAiEmbeddings>(std::move(config)));
}

Result<std::vector<std::vector<float>>> ParseEmbeddingResponse(const Json& body, size_t expected) {
    auto bad = [](const std::string& why) {
        return MakeError(ErrorCode::kUnavailable, std::string(kLabel) + ": malformed response: " + why);
    };
    if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) return bad("no data array");
    const Json& data = body["data"];
    if (data.size() != expected) {
        return bad("expected " + std::to_string(expected) + " vectors, got " + std::to_string(data.size()));
    }
    std::vector<std::vector<float>> out(expected);
    std::vector<bool> seen(expected, false);
    size_t dims = 0;
    for (size_t i = 0; i < data.size(); ++i) {
        const Json& item = data[i];
        if (!item.is_object() || !item.contains("embedding") || !item["embedding"].is_array())
            return bad("item " + std::to_string(i) + " has no embedding array");
        size_t index = i;
        if (item.contains("index")) {
            if (!item["index"].is_number_unsigned() && !item["index"].is_number_integer())
                return bad("index is not an integer");
            const int64_t v = item["index"].get<int64_t>();
            if (v < 0 || static_cast<size_t>(v) >= expected) return bad("index out of range");
            index = static_cast<size_t>(v);
        }
        if (seen[index]) return bad("index " + std::to_string(index) + " repeated");
        seen[index] = true;
        const Json& vec = item["embedding"];
        if (vec.empty()) return bad("empty embedding");
        if (dims == 0) dims = vec.size();
        if (vec.size() != dims) return bad("vectors of different dimensions");
        out[index].reserve(dims);
        for (const Json& x : vec) {
            if (!x.is_number()) return bad("embedding holds a non-number");
            out[index].push_back(x.get<float>());
        }
    }
    return out;
}

double CosineSimilarity(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size() || a.empty()) return 0;
    double dot = 0, na = 0, nb = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        dot += static_cast<double>(a[i]) * b[i];
        na += static_cast<double>(a[i]) * a[i];
        nb += static_cast<double>(b[i]) * b[i];
    }
    if (na == 0 || nb == 0) return 0;
    return dot / (std::sqrt(na) * std::sqrt(nb));
}

}  // namespace oc::llm
