#include "api/api_router.h"

#include "auth/authenticator.h"
#include "auth/rate_limiter.h"
#include "common/ids.h"
#include "common/log.h"

namespace oc::api {
namespace {

constexpr const char* kRequestIdHeader = "X-Snowflake-Request-ID";

// Authenticates and rate-limits; returns the error response or nullopt to go on.
std::optional<net::HttpResponse> Admit(Services& services, RequestContext& ctx) {
    auto principal = services.authenticator->Authenticate(
        ctx.req.Header("authorization"), ctx.req.Header("x-snowflake-authorization-token-type"));
    if (!principal) return ErrorResponse(ctx, principal.error());
    ctx.principal = std::move(*principal);
    if (services.rate_limiter) {
        if (auto retry_after = services.rate_limiter->Acquire(ctx.principal.token_id)) {
            net::HttpResponse resp = ErrorResponse(
                ctx, MakeError(ErrorCode::kResourceExhausted, "Too many requests.", codes::kTooManyRequests));
            resp.SetHeader("Retry-After", std::to_string(*retry_after));
            return resp;
        }
    }
    return std::nullopt;
}

}  // namespace

void ApiRouter::Add(const std::string& method, const std::string& pattern, Handler handler,
                    RouteOptions options) {
    Services* services = &services_;
    auto wrapped = [services, handler = std::move(handler), options](net::HttpRequest& req) {
        RequestContext ctx{req, NewUuid(), {}};
        net::HttpResponse resp;
        try {
            std::optional<net::HttpResponse> denied;
            if (options.authenticated) denied = Admit(*services, ctx);
            resp = denied ? std::move(*denied) : handler(ctx);
        } catch (const std::exception& e) {
            resp = ErrorResponse(ctx, MakeError(ErrorCode::kInternal, e.what()));
        } catch (...) {
            resp = ErrorResponse(ctx, MakeError(ErrorCode::kInternal, "unknown exception"));
        }
        resp.SetHeader(kRequestIdHeader, ctx.request_id);
        return resp;
    };
    router_.Add(method, pattern, std::move(wrapped), options.blocking);
}

net::HttpResponse TransportError(int status, const std::string& message) {
    std::string request_id = NewUuid();
    ErrorCode code = status == 404 ? ErrorCode::kNotFound
                   : status == 500 ? ErrorCode::kInternal
                                   : ErrorCode::kInvalidArgument;
    const char* wire = status == 404   ? codes::kDoesNotExist
                       : status == 413 ? codes::kBadPayload
                       : status == 500 ? codes::kInternal
                                       : codes::kInvalidArgument;
    net::HttpResponse resp = ErrorResponse(request_id, MakeError(code, message, wire, status));
    resp.SetHeader(kRequestIdHeader, request_id);
    return resp;
}

}  // namespace oc::api
