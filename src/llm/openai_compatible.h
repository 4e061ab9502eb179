// OpenAI Chat Completions over HTTP + SSE: OpenAI, vLLM, Ollama, llama.cpp server, LiteLLM, and
// (through snowflake.h) Snowflake's Cortex chat completions endpoint.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"
#include "llm/provider.h"
#include "llm/upstream.h"

namespace oc::llm {

// Where and how the chat completions endpoint is reached; the defaults are OpenAI's.
struct OpenAiEndpoint {
    std::string path = "/chat/completions";  // appended to UpstreamOptions::base_url
    std::vector<std::pair<std::string, std::string>> extra_headers;
    std::string kind = "openai_compatible";  // Provider::kind() and the label in errors
};

// Sends `Authorization: Bearer <api_key>` when the key is non-empty.
std::unique_ptr<Provider> MakeOpenAiCompatibleProvider(UpstreamOptions options,
                                                       OpenAiEndpoint endpoint = {});

// The request body for `request` (always streaming, with usage in the last chunk).
Json BuildOpenAiChatBody(const ChatRequest& request);

}  // namespace oc::llm
