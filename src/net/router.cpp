#include "net/router.h"

#include "common/identifier.h"
#include "common/text.h"

namespace oc::net {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
    std::vector<std::string> out;
    size_t start = 1;
    if (path.empty() || path[0] != '/') start = 0;
    while (start <= path.size()) {
        size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) slash = path.size();
        out.emplace_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    if (!out.empty() && out.back().empty() && out.size() > 1) out.pop_back();  // trailing '/'
    return out;
}

bool IsCapture(const std::string& s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

}  // namespace

void Router::Add(std::string method, const std::string& pattern, RouteHandler handler,
                 bool blocking) {
    Route r;
    r.method = std::move(method);
    r.segments = SplitPath(pattern);
    std::string last = r.segments.back();
    size_t colon = last.rfind(':');
    if (colon != std::string::npos && last.find('}', colon) == std::string::npos) {
        r.verb = last.substr(colon + 1);
        r.segments.back() = last.substr(0, colon);
    }
    r.handler = std::move(handler);
    r.blocking = blocking;
    routes_.push_back(std::move(r));
}

Router::Match Router::Resolve(HttpRequest& req) const {
    std::vector<std::string> segs = SplitPath(req.path);
    for (auto& s : segs) s = PercentDecode(s);
    std::string verb;
    if (!segs.empty()) {
        std::string name;
        SplitCustomMethod(segs.back(), &name, &verb);
        segs.back() = name;
    }
    Match result;
    for (const Route& r : routes_) {
        if (r.segments.size() != segs.size() || r.verb != verb) continue;
        std::map<std::string, std::string> params;
        bool ok = true;
        for (size_t i = 0; i < segs.size() && ok; ++i) {
            if (IsCapture(r.segments[i])) {
                if (segs[i].empty()) ok = false;
                params[r.segments[i].substr(1, r.segments[i].size() - 2)] = segs[i];
            } else {
                ok = r.segments[i] == segs[i];
            }
        }
        if (!ok) continue;
        if (r.method != req.method) {
            result.status = 405;
            continue;
        }
        req.params = std::move(params);
        req.verb = verb;
        result.route = &r;
        result.status = 200;
        return result;
    }
    return result;
}

}  // namespace oc::net
