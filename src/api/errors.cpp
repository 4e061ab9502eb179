#include "api/context.h"

#include "common/log.h"
#include "common/text.h"

namespace oc::api {
namespace {

struct WireError {
    int status;
    const char* code;
};

// One table from ErrorCode to HTTP status and default Snowflake code.
WireError ToWire(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument: return {400, codes::kInvalidArgument};
        case ErrorCode::kNotFound: return {404, codes::kDoesNotExist};
        case ErrorCode::kAlreadyExists: return {409, codes::kAlreadyExists};
        case ErrorCode::kUnauthenticated: return {401, codes::kBadToken};
        case ErrorCode::kPermissionDenied: return {403, codes::kForbidden};
        case ErrorCode::kResourceExhausted: return {429, codes::kTooManyRequests};
        case ErrorCode::kFailedPrecondition: return {400, codes::kInvalidArgument};
        case ErrorCode::kCancelled: return {400, codes::kInvalidArgument};
        case ErrorCode::kDeadlineExceeded: return {408, "000630"};
        case ErrorCode::kUnavailable: return {503, codes::kInternal};
        case ErrorCode::kUnimplemented: return {400, codes::kInvalidArgument};
        case ErrorCode::kOk:
        case ErrorCode::kInternal: return {500, codes::kInternal};
    }
    return {500, codes::kInternal};
}

}  // namespace

net::HttpResponse JsonResponse(const Json& body, int status) {
    net::HttpResponse resp;
    resp.status = status;
    resp.body = DumpJson(body);
    return resp;
}

net::HttpResponse StatusResponse(const std::string& text) {
    Json body = Json::object();
    body["status"] = text;
    return JsonResponse(body);
}

net::HttpResponse ErrorResponse(const std::string& request_id, const Error& e) {
    WireError w = ToWire(e.code);
    std::string message = e.message;
    if (e.code == ErrorCode::kInternal || e.code == ErrorCode::kOk) {
        GetLogger("api")->error("request {}: internal error: {}", request_id, e.message);
        message = "Internal error. Request id " + request_id + ".";
    }
    std::string code = e.wire_code.empty() ? w.code : e.wire_code;
    Json body = Json::object();
    body["message"] = message;
    body["code"] = code;
    body["error_code"] = code;
    body["request_id"] = request_id;
    return JsonResponse(body, e.http_status ? e.http_status : w.status);
}

net::HttpResponse ErrorResponse(const RequestContext& ctx, const Error& e) {
    return ErrorResponse(ctx.request_id, e);
}

Result<Json> ParseJsonBody(const net::HttpRequest& req) {
    std::string type = ToLowerAscii(req.Header("content-type"));
    if (!type.empty() && type.rfind("application/json", 0) != 0) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "Unsupported Content-Type '" + req.Header("content-type") +
                             "'; use application/json.",
                         codes::kBadPayload, 415);
    }
    auto parsed = ParseJson(req.body);
    if (!parsed || !parsed->is_object()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "Incoming request does not contain a valid payload.", codes::kBadPayload);
    }
    return parsed;
}

}  // namespace oc::api
