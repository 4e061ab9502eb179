#include "pipeline/paginator.h"

#include <cctype>
#include <functional>

#include "pipeline/json_path.h"

namespace oc::pipeline {
namespace {

Error PagErr(const std::string& msg) { return MakeError(ErrorCode::kInvalidArgument, msg); }

const Json* At(const Json& body, const std::string& path) {
    auto parsed = ParseJsonPath(path);
    if (!parsed) return nullptr;
    return JsonPathFirst(*parsed, body);
}

void SetParam(PageRequest& req, const std::string& key, const std::string& value) {
    for (auto& [k, v] : req.query) {
        if (k == key) {
            v = value;
            return;
        }
    }
    req.query.emplace_back(key, value);
}

std::optional<long long> AsInt(const Json& v) {
    if (v.is_number_integer()) return v.get<long long>();
    if (v.is_number_float()) return static_cast<long long>(v.get<double>());
    if (v.is_string()) {
        const std::string s = v.get<std::string>();
        if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        return std::stoll(s);
    }
    return std::nullopt;
}

std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Depth-first search for the first key matching pred with a usable value (reference §3.3).
bool FindNextKey(const Json& obj, const std::string& prefix, std::string& path, Json& value) {
    if (!obj.is_object()) return false;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        std::string p = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (Lower(it.key()).rfind("next", 0) == 0 && !it->is_null()) {
            if (it->is_string() || it->is_number()) {
                path = p;
                value = *it;
                return true;
            }
            if (it->is_object()) {
                for (auto in = it->begin(); in != it->end(); ++in) {
                    std::string k = Lower(in.key());
                    if ((k.rfind("href", 0) == 0 || k.rfind("url", 0) == 0) &&
                        (in->is_string() || in->is_number())) {
                        path = p + "." + in.key();
                        value = *in;
                        return true;
                    }
                }
            }
        }
        if (it->is_object() && FindNextKey(*it, p, path, value)) return true;
    }
    return false;
}

bool FindTotalPages(const Json& obj, const std::string& prefix, std::string& path) {
    if (!obj.is_object()) return false;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        std::string p = prefix.empty() ? it.key() : prefix + "." + it.key();
        std::string k = Lower(it.key());
        if ((k == "total_pages" || k == "pages" || k == "totalpages") && AsInt(*it)) {
            path = p;
            return true;
        }
        if (it->is_object() && FindTotalPages(*it, p, path)) return true;
    }
    return false;
}

std::string LinkHeaderNext(const std::string& link, const std::string& rel) {
    size_t pos = 0;
    while (pos < link.size()) {
        size_t lt = link.find('<', pos);
        if (lt == std::string::npos) break;
        size_t gt = link.find('>', lt);
        if (gt == std::string::npos) break;
        size_t end = link.find(',', gt);
        std::string params =
            link.substr(gt + 1, end == std::string::npos ? std::string::npos : end - gt - 1);
        if (params.find("rel=\"" + rel + "\"") != std::string::npos ||
            params.find("rel=" + rel) != std::string::npos) {
            return link.substr(lt + 1, gt - lt - 1);
        }
        if (end == std::string::npos) break;
        pos = end + 1;
    }
    return "";
}

bool Truthy(const Json& v) {
    if (v.is_null()) return false;
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_string()) return !v.get<std::string>().empty();
    if (v.is_number()) return v.get<double>() != 0;
    return true;
}

std::string Render(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

Result<Paginator> Paginator::FromConfig(const Json& cfg) {
    Paginator p;
    if (cfg.is_null()) return p;
    Json obj = cfg.is_string() ? Json{{"type", cfg}} : cfg;
    p.type = obj.value("type", "auto");
    auto str = [&](const char* key, const std::string& def) {
        auto it = obj.find(key);
        if (it == obj.end()) return def;
        return it->is_null() ? std::string() : Render(*it);
    };
    if (p.type == "json_link") {
        p.path = str("next_url_path", "next");
    } else if (p.type == "header_link") {
        p.links_next_key = str("links_next_key", "next");
    } else if (p.type == "offset" || p.type == "page_number") {
        bool is_offset = p.type == "offset";
        p.path = str("total_path", "total");
        p.has_total_path = !p.path.empty();
        p.has_more_path = str("has_more_path", "");
        p.stop_after_empty_page = obj.value("stop_after_empty_page", true);
        if (is_offset) {
            if (!obj.contains("limit") || !AsInt(obj["limit"]))
                return PagErr("offset paginator requires `limit`");
            p.limit = *AsInt(obj["limit"]);
            p.offset = AsInt(obj.value("offset", Json(0))).value_or(0);
            p.param = str("offset_param", "offset");
            p.limit_param = str("limit_param", "limit");
            if (obj.contains("maximum_offset")) p.maximum = AsInt(obj["maximum_offset"]);
        } else {
            p.base_page = AsInt(obj.value("base_page", Json(0))).value_or(0);
            p.page = AsInt(obj.value("page", Json(p.base_page))).value_or(p.base_page);
            p.param = str("page_param", "page");
            if (obj.contains("maximum_page")) p.maximum = AsInt(obj["maximum_page"]);
        }
        if (!p.has_total_path && !p.maximum && p.has_more_path.empty() &&
            !p.stop_after_empty_page) {
            return PagErr(
                p.type +
                " paginator needs total_path, maximum, has_more_path or stop_after_empty_page");
        }
    } else if (p.type == "cursor") {
        p.path = str("cursor_path", "cursors.next");
        p.param = str("cursor_param", "cursor");
        p.has_more_path = str("has_more_path", "");
        p.stop_after_empty_page = obj.value("stop_after_empty_page", false);
    } else if (p.type == "header_cursor") {
        p.cursor_key = str("cursor_key", "next");
        p.param = str("cursor_param", "cursor");
    } else if (p.type != "single_page" && p.type != "auto") {
        return PagErr("unknown paginator type `" + p.type + "`");
    }
    return p;
}

void Paginator::InitRequest(PageRequest& req) const {
    if (type == "offset") {
        SetParam(req, param, std::to_string(offset));
        SetParam(req, limit_param, std::to_string(limit));
    } else if (type == "page_number") {
        SetParam(req, param, std::to_string(page));
    }
}

void Paginator::Detect(const net::ClientResponse& resp, const Json& body) {
    if (type != "auto") return;
    if (!LinkHeaderNext(resp.Header("link"), "next").empty()) {
        type = "header_link";
        return;
    }
    std::string next_path;
    Json next_value;
    bool has_next = FindNextKey(body, "", next_path, next_value);
    if (has_next && next_value.is_string()) {
        const std::string v = next_value.get<std::string>();
        if (v.rfind("http", 0) == 0 || v.rfind("/", 0) == 0) {
            type = "json_link";
            path = next_path;
            return;
        }
    }
    std::string total;
    if (FindTotalPages(body, "", total)) {
        type = "page_number";
        path = total;
        param = "page";
        base_page = 0;
        page = 0;  // the first request went out unnumbered (reference §3.3 quirk)
        return;
    }
    if (has_next) {
        type = "cursor";
        path = next_path;
        param = "cursor";
        stop_after_empty_page = false;
        return;
    }
    type = "single_page";
}

Result<bool> Paginator::Advance(const net::ClientResponse& resp, const Json& body, size_t page_rows,
                                PageRequest& req) {
    if (type == "single_page" || type == "auto") return false;
    if (type == "json_link" || type == "header_link") {
        std::string next;
        if (type == "json_link") {
            const Json* v = At(body, path);
            if (v == nullptr || v->is_null()) return false;
            next = Render(*v);
        } else {
            next = LinkHeaderNext(resp.Header("link"), links_next_key);
        }
        if (next.empty()) return false;
        std::string full = ResolveUrl(req.url, next);
        SplitUrl(full, req.url, req.query);
        return true;
    }
    if (type == "cursor" || type == "header_cursor") {
        if (stop_after_empty_page && page_rows == 0) return false;
        std::string cursor;
        if (type == "cursor") {
            const Json* v = At(body, path);
            if (v == nullptr || !Truthy(*v)) return false;
            cursor = Render(*v);
        } else {
            cursor = resp.Header(cursor_key);
            if (cursor.empty()) return false;
        }
        if (!has_more_path.empty()) {
            const Json* more = At(body, has_more_path);
            if (more != nullptr && !Truthy(*more)) return false;
        }
        SetParam(req, param, cursor);
        return true;
    }
    // offset / page_number (reference §3.2).
    const bool is_offset = type == "offset";
    if (page_rows == 0 && stop_after_empty_page) return false;
    std::optional<long long> total;
    if (has_total_path) {
        const Json* t = At(body, path);
        if (t == nullptr || t->is_null()) {
            return PagErr("Total `" + path + "` not found in the response in `" +
                          std::string(is_offset ? "OffsetPaginator" : "PageNumberPaginator") +
                          "`. Expected a response with a `" + path + "` key");
        }
        total = AsInt(*t);
        if (!total) return PagErr("Total `" + path + "` is not an integer");
    }
    long long& pos = is_offset ? offset : page;
    pos += is_offset ? limit : 1;
    bool more = true;
    if (total && pos >= *total + (is_offset ? 0 : base_page)) more = false;
    if (maximum && pos >= *maximum) more = false;
    if (!has_more_path.empty()) {
        const Json* hm = At(body, has_more_path);
        if (hm == nullptr)
            return PagErr("has_more_path `" + has_more_path + "` not found in the response");
        more = hm->is_string() ? hm->get<std::string>() == "true" : Truthy(*hm);
    }
    if (!more) return false;
    InitRequest(req);
    return true;
}

void SplitUrl(const std::string& full, std::string& url,
              std::vector<std::pair<std::string, std::string>>& query) {
    query.clear();
    size_t q = full.find('?');
    url = full.substr(0, q);
    if (q == std::string::npos) return;
    std::string qs = full.substr(q + 1);
    auto decode = [](const std::string& s) {
        std::string out;
        for (size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '+')
                out += ' ';
            else if (s[i] == '%' && i + 2 < s.size()) {
                out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else
                out += s[i];
        }
        return out;
    };
    size_t pos = 0;
    while (pos <= qs.size()) {
        size_t amp = qs.find('&', pos);
        std::string part = qs.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
        if (!part.empty()) {
            size_t eq = part.find('=');
            query.emplace_back(decode(part.substr(0, eq)),
                               eq == std::string::npos ? "" : decode(part.substr(eq + 1)));
        }
        if (amp == std::string::npos) break;
        pos = amp + 1;
    }
}

std::string ResolveUrl(const std::string& base, const std::string& ref) {
    if (ref.find("://") != std::string::npos) return ref;
    size_t scheme_end = base.find("://");
    std::string scheme = scheme_end == std::string::npos ? "http" : base.substr(0, scheme_end);
    size_t host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    size_t path_start = base.find('/', host_start);
    std::string origin = base.substr(0, path_start);
    if (ref.rfind("//", 0) == 0) return scheme + ":" + ref;
    if (ref.rfind("/", 0) == 0) return origin + ref;
    std::string base_path = path_start == std::string::npos ? "/" : base.substr(path_start);
    base_path = base_path.substr(0, base_path.find('?'));
    if (ref.rfind("?", 0) == 0) return origin + base_path + ref;
    return origin + base_path.substr(0, base_path.rfind('/') + 1) + ref;
}

}  // namespace oc::pipeline
