// The streamed POST shared by the HTTP providers and the HTTP-status → Error mapping.
#include "llm/upstream.h"

#include <algorithm>

#include "common/log.h"
#include "net/client/http_client.h"

namespace oc::llm {
namespace {

constexpr size_t kMaxUpstreamMessage = 500;

// The upstream's human message: error.message (OpenAI, Anthropic), message, or the raw body.
std::string UpstreamMessage(std::string_view body) {
    std::string message;
    Json parsed = Json::parse(body, nullptr, false);
    if (!parsed.is_discarded() && parsed.is_object()) {
        const Json* err = parsed.contains("error") ? &parsed["error"] : &parsed;
        if (err->is_object() && err->contains("message") && (*err)["message"].is_string()) {
            message = (*err)["message"].get<std::string>();
        } else if (err->is_string()) {
            message = err->get<std::string>();
        }
    }
    if (message.empty()) message.assign(body);
    if (message.size() > kMaxUpstreamMessage)
        message = message.substr(0, kMaxUpstreamMessage) + "...";
    return message;
}

}  // namespace

std::string JoinUrl(std::string_view base_url, std::string_view path) {
    while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
    std::string url(base_url);
    if (!path.empty() && path.front() != '/') url.push_back('/');
    url.append(path);
    return url;
}

Error UpstreamHttpError(std::string_view label, int status, std::string_view body) {
    const std::string message = UpstreamMessage(body);
    const std::string prefix =
        std::string(label) + " upstream returned HTTP " + std::to_string(status);
    const std::string suffix = message.empty() ? "" : ": " + message;
    switch (status) {
        case 429:
            return MakeError(ErrorCode::kResourceExhausted, prefix + " (rate limited)" + suffix);
        case 400:
        case 404:
        case 413:
        case 422:
            return MakeError(ErrorCode::kInvalidArgument, prefix + " (request rejected)" + suffix);
        case 401:
        case 403:
            return MakeError(ErrorCode::kUnavailable, prefix + " (check the API key)" + suffix);
        default: return MakeError(ErrorCode::kUnavailable, prefix + suffix);
    }
}

Error MalformedChunk(std::string_view label, std::string_view detail) {
    GetLogger("llm")->warn("{}: malformed stream chunk: {}", label, detail);
    return MakeError(ErrorCode::kUnavailable, "upstream sent a malformed chunk");
}

Result<Json> ParseToolArguments(std::string_view label, std::string_view tool_name,
                                std::string_view text) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return Json::object();
    Json parsed = Json::parse(text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
        return MalformedChunk(
            label, "arguments of tool " + std::string(tool_name) + " are not a JSON object");
    }
    return parsed;
}

std::vector<const ToolDef*> OfferedTools(const ChatRequest& request) {
    std::vector<const ToolDef*> offered;
    for (const ToolDef& tool : request.tools) {
        const auto& names = request.tool_choice.names;
        const bool allowed = request.tool_choice.kind != ToolChoice::Kind::kTool ||
                             std::find(names.begin(), names.end(), tool.name) != names.end();
        if (allowed) offered.push_back(&tool);
    }
    return offered;
}

int64_t IntField(const Json& object, const char* key) {
    if (!object.is_object()) return 0;
    auto it = object.find(key);
    if (it == object.end() || !it->is_number()) return 0;
    return it->is_number_float() ? static_cast<int64_t>(it->get<double>()) : it->get<int64_t>();
}

std::string StringField(const Json& object, const char* key) {
    if (!object.is_object()) return {};
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Status PostStream(const UpstreamOptions& options, const std::string& url,
                  std::vector<std::pair<std::string, std::string>> headers, const Json& body,
                  const CancelToken& cancel, std::string_view label,
                  const std::function<Status(std::string_view)>& on_bytes) {
    net::ClientRequest request;
    request.method = "POST";
    request.url = url;
    request.headers = std::move(headers);
    request.headers.emplace_back("Content-Type", "application/json");
    request.headers.emplace_back("Accept", "text/event-stream");
    request.body = DumpJson(body);
    request.connect_timeout_ms = options.connect_timeout_seconds * 1000;
    request.total_timeout_ms = options.timeout_seconds * 1000;
    request.max_retries = options.max_retries;
    request.initial_backoff_ms = options.initial_backoff_ms;
    request.max_backoff_ms = options.max_backoff_ms;
    request.on_body = [&on_bytes, label](std::string_view bytes) -> Status {
        try {
            return on_bytes(bytes);
        } catch (const std::exception& e) {
            return MalformedChunk(label, e.what());
        }
    };
    request.is_cancelled = [&cancel] { return cancel.cancelled(); };
    static const auto log = GetLogger("llm");  // once: the lookup takes a global lock
    log->trace("{} request body: {}", label, request.body);
    OC_ASSIGN_OR_RETURN(net::ClientResponse response, net::HttpClient::Send(request));
    if (response.status >= 200 && response.status < 300) return {};
    return UpstreamHttpError(label, response.status, response.body);
}

}  // namespace oc::llm
