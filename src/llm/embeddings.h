// Text embeddings for Cortex Search vector re-ranking, from the [embeddings] table of cortex.toml:
//   [embeddings]
//   provider = "openai_compatible"   # the only kind: POST {base_url}/embeddings
//   base_url = "http://127.0.0.1:8000/v1"
//   model = "text-embedding-3-small"
//   api_key_env = "OPENAI_API_KEY"   # env var holding the key (optional)
//   batch_size = 64                  # texts per request while indexing (1..2048)
//   timeout_seconds = 60
//   max_retries = 3
// No table = no provider: search keeps pure BM25 order.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"

namespace oc::llm {

struct EmbeddingConfig {
    std::string provider = "openai_compatible";
    std::string base_url;
    std::string model;
    std::string api_key_env;
    std::string api_key;  // set by code (tests), else read from api_key_env
    int batch_size = 64;
    int timeout_seconds = 60;
    int max_retries = 3;
};

class EmbeddingProvider {
public:
    virtual ~EmbeddingProvider() = default;
    // One vector per text, in order; all of the same dimension. Blocks on the upstream.
    virtual Result<std::vector<std::vector<float>>> Embed(const std::vector<std::string>& texts) = 0;
    // Identifies the vectors (provider, URL and model): stored with an index, a change re-embeds.
    virtual std::string Identity() const = 0;
    // Texts per request the caller should send at most.
    virtual size_t batch_size() const = 0;
};

// Reads [embeddings] from a cortex.toml (empty path or no table = nullopt). Unknown keys, a
// missing base_url/model, an unknown provider and out-of-range numbers are errors naming the
// file, line and key.
Result<std::optional<EmbeddingConfig>> LoadEmbeddingConfig(const std::string& config_path);

// kInvalidArgument for a config LoadEmbeddingConfig would reject.
Result<std::unique_ptr<EmbeddingProvider>> MakeEmbeddingProvider(EmbeddingConfig config);

// The vectors of an OpenAI embeddings response ({"data": [{"index", "embedding": [...]}]}),
// ordered by index; kUnavailable when the shape is wrong or the count is not `expected`.
Result<std::vector<std::vector<float>>> ParseEmbeddingResponse(const Json& body, size_t expected);

// Cosine similarity; 0 when either vector is all zeros or the dimensions differ.
double CosineSimilarity(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace oc::llm
