#include "api/list_params.h"

#include <charconv>

namespace oc::api {

Result<ListParams> ParseListParams(const net::HttpRequest& req) {
    ListParams p;
    p.has_like = req.HasQuery("like");
    p.like = req.Query("like");
    p.starts_with = req.Query("startsWith");
    p.has_from_name = req.HasQuery("fromName");
    p.from_name = req.Query("fromName");
    if (req.HasQuery("showLimit")) {
        std::string text = req.Query("showLimit");
        long long v = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || ptr != text.data() + text.size() || v < 1 || v > 10000) {
            return MakeError(ErrorCode::kInvalidArgument, "showLimit must be 1..10000, got '" + text + "'");
        }
        p.show_limit = static_cast<size_t>(v);
    }
    return p;
}

bool PassesFilters(const ListParams& p, const std::string& name) {
    if (p.has_like && !LikeMatch(p.like, name)) return false;
    if (!p.starts_with.empty() && name.rfind(p.starts_with, 0) != 0) return false;
    if (p.has_from_name && !(name > p.from_name)) return false;
    return true;
}

void SetListLink(const net::HttpRequest& req, const ListParams& p, bool cut,
                 const std::string& last_name, net::HttpResponse* resp) {
    std::string base = req.path + "?";
    std::string common;
    if (p.has_like) common += "like=" + PercentEncode(p.like) + "&";
    if (!p.starts_with.empty()) common += "startsWith=" + PercentEncode(p.starts_with) + "&";
    if (p.show_limit) common += "showLimit=" + std::to_string(p.show_limit) + "&";
    auto url = [&](const std::string& extra) {
        std::string q = common + extra;
        if (!q.empty() && q.back() == '&') q.pop_back();
        return "<" + (q.empty() ? req.path : base + q) + ">";
    };
    std::string link = url("") + "; rel=\"first\"";
    if (cut) link += "," + url("fromName=" + PercentEncode(last_name)) + "; rel=\"next\"";
    resp->SetHeader("Link", link);
}

}  // namespace oc::api
