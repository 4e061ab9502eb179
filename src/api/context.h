// What every API handler receives: the request, its id (X-Snowflake-Request-ID) and the caller.
#pragma once

#include <functional>
#include <string>

#include "auth/principal.h"
#include "common/json.h"
#include "common/result.h"
#include "net/http.h"

namespace oc::api {

struct RequestContext {
    net::HttpRequest& req;
    std::string request_id;
    auth::Principal principal;
};

using Handler = std::function<net::HttpResponse(RequestContext&)>;

// 200 (or status) with a JSON body.
net::HttpResponse JsonResponse(const Json& body, int status = 200);
// Snowflake SuccessResponse {"status": text}.
net::HttpResponse StatusResponse(const std::string& text);
// Snowflake ErrorResponse {message, code, error_code, request_id} with the HTTP status of e.code
// (reference agents-api.md §1.4). Internal errors are logged and answered with a generic text.
net::HttpResponse ErrorResponse(const RequestContext& ctx, const Error& e);
net::HttpResponse ErrorResponse(const std::string& request_id, const Error& e);

// Parses the request body as a JSON object: 415 for a non-JSON content type, 400 (390142) for
// malformed JSON or a non-object.
Result<Json> ParseJsonBody(const net::HttpRequest& req);

// Wire codes of reference agents-api.md §1.4.
namespace codes {
inline constexpr const char* kDoesNotExist = "002003";
inline constexpr const char* kAlreadyExists = "002002";
inline constexpr const char* kInvalidArgument = "001003";
inline constexpr const char* kBadPayload = "390142";
inline constexpr const char* kBadToken = "390303";
inline constexpr const char* kBadJwt = "390144";
inline constexpr const char* kForbidden = "003001";
inline constexpr const char* kTooManyRequests = "390505";
inline constexpr const char* kInternal = "390000";
}  // namespace codes

}  // namespace oc::api
