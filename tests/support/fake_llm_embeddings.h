// The fake LLM's OpenAI-compatible POST /v1/embeddings: deterministic vectors, a hashed bag of
// words, so tests can predict similarities: each lower-cased word of [a-z0-9] adds 1 to
// dimension FNV-1a(word) % kFakeEmbeddingDims. "input" is a string or an array of strings.
#pragma once

#include <string_view>
#include <vector>

#include "net/http.h"

namespace oc::testing {

inline constexpr size_t kFakeEmbeddingDims = 256;

// The vector the fake returns for text.
std::vector<float> FakeEmbedding(std::string_view text);

// The handler: 200 {"object": "list", "data": [{"object": "embedding", "index", "embedding"}],
// "model", "usage"}; 400 with an OpenAI error body when input is missing or not strings.
net::HttpResponse HandleFakeEmbeddings(const net::HttpRequest& req);

}  // namespace oc::testing
