// Snowflake's OpenAI-compatible Cortex endpoint (/api/v2/cortex/v1/chat/completions on the
// account URL), authenticated with a programmatic access token. Built on openai_compatible.
#pragma once

#include <memory>

#include "llm/provider.h"
#include "llm/upstream.h"

namespace oc::llm {

// options.base_url is the account URL (https://<account>.snowflakecomputing.com); options.api_key
// is the PAT, sent as `Authorization: Bearer` with the PROGRAMMATIC_ACCESS_TOKEN token type.
std::unique_ptr<Provider> MakeSnowflakeProvider(UpstreamOptions options);

}  // namespace oc::llm
