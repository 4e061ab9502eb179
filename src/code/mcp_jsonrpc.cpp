// JSON-RPC helpers shared by the MCP transports.
#include <cstdlib>

#include "code/mcp_transport.h"

namespace oc::code {

Json JsonRpcRequest(int id, const std::string& method, const Json& params) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
}

Json JsonRpcNotification(const std::string& method, const Json& params) {
    return {{"jsonrpc", "2.0"}, {"method", method}, {"params", params}};
}

Json CancelledParams(int id) { return {{"requestId", id}, {"reason", "The user interrupted the turn"}}; }

Error Interrupted(const std::string& method) {
    return MakeError(ErrorCode::kCancelled, method + " was interrupted");
}

bool IsResponseTo(const Json& message, int id) {
    return message.is_object() && !message.contains("method") && message.contains("id") &&
           message["id"].is_number_integer() && message["id"].get<int>() == id;
}

Result<Json> ResponseResult(const Json& message, const std::string& method) {
    if (message.contains("error")) {
        const Json& e = message["error"];
        return MakeError(ErrorCode::kUnavailable,
                         method + ": " + (e.is_object() && e.contains("message") && e["message"].is_string()
                                              ? e["message"].get<std::string>() : DumpJson(e)));
    }
    return message.contains("result") ? message["result"] : Json::object();
}

Result<net::ClientResponse> PostJsonRpc(const std::string& url,
                                        std::vector<std::pair<std::string, std::string>> headers,
                                        const std::string& accept, const Json& message,
                                        int timeout_ms, const llm::CancelToken* cancel) {
    net::ClientRequest request;
    request.method = "POST";
    request.url = url;
    request.headers = std::move(headers);
    request.headers.emplace_back("Content-Type", "application/json");
    if (!accept.empty()) request.headers.emplace_back("Accept", accept);
    request.body = DumpJson(message);
    request.max_retries = 0;
    request.total_timeout_ms = timeout_ms;
    if (cancel) request.is_cancelled = [cancel] { return cancel->cancelled(); };
    auto response = net::HttpClient::Send(request);
    if (!response) return response.error();
    if (response->status < 200 || response->status > 299)
        return MakeError(ErrorCode::kUnavailable, "POST " + url + ": HTTP " +
                                                      std::to_string(response->status) + " " +
                                                      response->body.substr(0, 200));
    return response;
}

std::string ExpandEnv(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        const size_t close = text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{'
                                 ? text.find('}', i + 2) : std::string::npos;
        if (close == std::string::npos) {
            out.push_back(text[i]);
            continue;
        }
        std::string name = text.substr(i + 2, close - i - 2);
        std::string fallback;
        const size_t dflt = name.find(":-");
        if (dflt != std::string::npos) {
            fallback = name.substr(dflt + 2);
            name = name.substr(0, dflt);
        }
        const char* v = std::getenv(name.c_str());
        out += v && *v ? std::string(v) : fallback;
        i = close;
    }
    return out;
}

}  // namespace oc::code
