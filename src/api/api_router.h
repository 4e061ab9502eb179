// Registers API handlers on the net router, wrapping each one in the request pipeline:
// request id header, authentication, rate limit, and one catch-all that answers 500.
#pragma once

#include <string>

#include "api/context.h"
#include "api/services.h"
#include "net/router.h"

namespace oc::api {

struct RouteOptions {
    bool blocking = true;       // run on the worker pool (any DuckDB work)
    bool authenticated = true;  // every /api/v2 path requires a token
};

class ApiRouter {
public:
    ApiRouter(net::Router& router, Services& services) : router_(router), services_(services) {}

    void Add(const std::string& method, const std::string& pattern, Handler handler,
             RouteOptions options = {});
    Services& services() { return services_; }

private:
    net::Router& router_;
    Services& services_;
};

// Adapts a handler `Result<net::HttpResponse>(Services&, RequestContext&)` to Handler.
template <typename F>
Handler Wrap(Services& s, F f) {
    return [&s, f](RequestContext& ctx) {
        auto r = f(s, ctx);
        return r ? std::move(*r) : ErrorResponse(ctx, r.error());
    };
}

// The error answer for an unrouted request (404/405) or a transport-level failure (413).
net::HttpResponse TransportError(int status, const std::string& message);

// Every route of the server (routes.cpp: each endpoint on one screen).
void RegisterRoutes(ApiRouter& r);

}  // namespace oc::api
