#include "fake_llm_embeddings.h"

#include <cctype>
#include <string>

#include "common/json.h"

namespace oc::testing {
namespace {

net::HttpResponse BadRequest(const std::string& message) {
    net::HttpResponse resp;
    resp.status = 400;
    Json error = Json::object();
    error["message"] = message;
    error["type"] = "invalid_request_error";
    Json body = Json::object();
    body["error"] = error;
    resp.body = DumpJson(body);
    return resp;
}

uint64_t Fnv1a(std::string_view s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

}  // namespace

std::vector<float> FakeEmbedding(std::string_view text) {
    std::vector<float> v(kFakeEmbeddingDims, 0.0f);
    std::string word;
    auto flush = [&] {
        if (!word.empty()) v[Fnv1a(word) % kFakeEmbeddingDims] += 1.0f;
        word.clear();
    };
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c)) {
            word += static_cast<char>(std::tolower(c));
        } else {
            flush();
        }
    }
    flush();
    return v;
}

net::HttpResponse HandleFakeEmbeddings(const net::HttpRequest& req) {
    auto body = ParseJson(req.body);
    if (!body || !body->is_object() || !body->contains("input")) return BadRequest("'input' is required");
    const Json& input = (*body)["input"];
    std::vector<std::string> texts;
    if (input.is_string()) {
        texts.push_back(input.get<std::string>());
    } else if (input.is_array()) {
        for (const Json& t : input) {
            if (!t.is_string()) return BadRequest("'input' must be a string or an array of strings");
            texts.push_back(t.get<std::string>());
        }
    } else {
        return BadRequest("'input' must be a string or an array of strings");
    }
    Json data = Json::array();
    size_t tokens = 0;
    for (size_t i = 0; i < texts.size(); ++i) {
        Json item = Json::object();
        item["object"] = "embedding";
        item["index"] = i;
        item["embedding"] = FakeEmbedding(texts[i]);
        tokens += texts[i].size() / 4 + 1;
        data.push_back(std::move(item));
    }
    Json out = Json::object();
    out["object"] = "list";
    out["data"] = std::move(data);
    out["model"] = body->value("model", "fake-embedding");
    out["usage"] = Json{{"prompt_tokens", tokens}, {"total_tokens", tokens}};
    net::HttpResponse resp;
    resp.body = DumpJson(out);
    return resp;
}

}  // namespace oc::testing
