#include "net/http.h"

#include "common/text.h"

namespace oc::net {

std::string HttpRequest::Header(std::string_view name) const {
    auto it = headers.find(ToLowerAscii(name));
    return it == headers.end() ? std::string() : it->second;
}

std::string HttpRequest::Query(const std::string& key, const std::string& fallback) const {
    auto it = query.find(key);
    return it == query.end() ? fallback : it->second;
}

void HttpResponse::SetHeader(std::string name, std::string value) {
    for (auto& h : headers) {
        if (EqualsIgnoreCase(h.first, name)) {
            h.second = std::move(value);
            return;
        }
    }
    headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace oc::net
