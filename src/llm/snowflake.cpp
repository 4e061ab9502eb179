// The Snowflake provider is the OpenAI-compatible one with Snowflake's path and token header.
#include "llm/snowflake.h"

#include <utility>

#include "llm/openai_compatible.h"

namespace oc::llm {

std::unique_ptr<Provider> MakeSnowflakeProvider(UpstreamOptions options) {
    OpenAiEndpoint endpoint;
    endpoint.path = "/api/v2/cortex/v1/chat/completions";
    endpoint.extra_headers.emplace_back("X-Snowflake-Authorization-Token-Type",
                                        "PROGRAMMATIC_ACCESS_TOKEN");
    endpoint.kind = "snowflake";
    return MakeOpenAiCompatibleProvider(std::move(options), std::move(endpoint));
}

}  // namespace oc::llm
