// The shared list parameters like / startsWith / fromName / showLimit and the Link header
// (reference agents-api.md §1.7): visible → like → sort → startsWith → fromName → showLimit.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "api/context.h"
#include "common/json.h"
#include "common/result.h"
#include "common/text.h"
#include "net/http.h"

namespace oc::api {

struct ListParams {
    std::string like;
    bool has_like = false;
    std::string starts_with;
    std::string from_name;
    bool has_from_name = false;
    size_t show_limit = 0;  // 0 = no limit
};

// 400 for showLimit outside 1..10000 or not a number.
Result<ListParams> ParseListParams(const net::HttpRequest& req);

bool PassesFilters(const ListParams& p, const std::string& name);

// Sets Link: rel="first" and, when the list was cut, rel="next" (fromName = last row's name).
void SetListLink(const net::HttpRequest& req, const ListParams& p, bool cut,
                 const std::string& last_name, net::HttpResponse* resp);

// Applies the filters to items sorted by name; sets *cut when showLimit dropped rows.
template <typename T, typename NameOf>
std::vector<T> ApplyListParams(std::vector<T> items, const ListParams& p, NameOf name_of, bool* cut) {
    std::sort(items.begin(), items.end(),
              [&](const T& a, const T& b) { return name_of(a) < name_of(b); });
    std::vector<T> out;
    *cut = false;
    for (auto& item : items) {
        if (!PassesFilters(p, name_of(item))) continue;
        if (p.show_limit && out.size() == p.show_limit) {
            *cut = true;
            break;
        }
        out.push_back(std::move(item));
    }
    return out;
}

// A list endpoint's 200 response: the parameters applied to the visible items, one JSON element
// per remaining item (to_json), and the Link header.
template <typename T, typename NameOf, typename ToJson>
net::HttpResponse ListResponse(const net::HttpRequest& req, const ListParams& p, std::vector<T> visible,
                               NameOf name_of, ToJson to_json) {
    bool cut = false;
    std::vector<T> rows = ApplyListParams(std::move(visible), p, name_of, &cut);
    Json out = Json::array();
    for (const T& row : rows) out.push_back(to_json(row));
    net::HttpResponse resp = JsonResponse(out);
    SetListLink(req, p, cut, rows.empty() ? std::string() : std::string(name_of(rows.back())), &resp);
    return resp;
}

}  // namespace oc::api
