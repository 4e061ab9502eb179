// Route table: method + path pattern ("/api/v2/databases/{db}/schemas/{schema}/agents/{name}",
// a last segment may carry a custom verb: "{name}:run"). Matching percent-decodes each segment
// and splits the verb at the last ':' outside quotes (reference agents-api.md §1.1).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "net/http.h"

namespace oc::net {

using RouteHandler = std::function<HttpResponse(HttpRequest&)>;

struct Route {
    std::string method;
    std::vector<std::string> segments;  // literal or "{capture}"
    std::string verb;                   // custom method after ':', or ""
    RouteHandler handler;
    // false: cheap in-memory work, run on the I/O thread; true: run on the worker pool.
    bool blocking = true;
};

class Router {
public:
    void Add(std::string method, const std::string& pattern, RouteHandler handler,
             bool blocking = true);

    struct Match {
        const Route* route = nullptr;  // set when status == 200
        int status = 404;              // 200, 404 (no path matches) or 405 (wrong method)
    };
    // Fills req.params and req.verb on success.
    Match Resolve(HttpRequest& req) const;

private:
    std::vector<Route> routes_;
};

}  // namespace oc::net
