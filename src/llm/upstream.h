// What the HTTP providers share: connection options, the streamed POST with cancellation, and
// the mapping of an upstream HTTP failure to an Error.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "llm/provider.h"

namespace oc::llm {

struct UpstreamOptions {
    std::string base_url;       // no trailing slash needed
    std::string api_key;        // sent in the provider's auth header; never logged
    int timeout_seconds = 120;  // whole request, per attempt
    int connect_timeout_seconds = 10;
    int max_retries = 3;           // on connection errors, 429 and 5xx before the first byte
    int initial_backoff_ms = 500;  // tests shrink this
    int max_backoff_ms = 30000;
};

// base_url + path without a doubled slash.
std::string JoinUrl(std::string_view base_url, std::string_view path);

// POSTs body as JSON and feeds a 2xx event-stream to on_bytes as it arrives. Returns the final
// HTTP status error (see UpstreamHttpError), the cancellation, or on_bytes' first error.
// `label` names the upstream in messages ("openai_compatible", "anthropic", ...).
Status PostStream(const UpstreamOptions& options, const std::string& url,
                  std::vector<std::pair<std::string, std::string>> headers, const Json& body,
                  const CancelToken& cancel, std::string_view label,
                  const std::function<Status(std::string_view)>& on_bytes);

// 429 → kResourceExhausted, 400/404/413/422 → kInvalidArgument, other → kUnavailable; the
// message carries the status and the upstream's own error message (truncated), never headers.
Error UpstreamHttpError(std::string_view label, int status, std::string_view body);

// The malformed-chunk error every streaming parser returns (the detail is logged, not sent).
Error MalformedChunk(std::string_view label, std::string_view detail);

// A streamed tool call's arguments as a JSON object ("" = {}); anything else is malformed.
Result<Json> ParseToolArguments(std::string_view label, std::string_view tool_name,
                                std::string_view text);

// The tools to offer: all of them, or for ToolChoice::kTool only the named ones.
std::vector<const ToolDef*> OfferedTools(const ChatRequest& request);

// An integer field of a JSON object, 0 when absent or not a number.
int64_t IntField(const Json& object, const char* key);
// A string field of a JSON object, "" when absent or not a string.
std::string StringField(const Json& object, const char* key);

}  // namespace oc::llm
