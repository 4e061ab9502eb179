// dlt's paginators and their stop conditions (reference pipeline.md §3), plus auto-detection
// on the first response of a request chain (§3.3).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "net/client/http_client.h"

namespace oc::pipeline {

// One request of a chain: absolute URL without query, query pairs (already rendered), body.
struct PageRequest {
    std::string url;
    std::vector<std::pair<std::string, std::string>> query;
    Json body;  // null = none
};

struct Paginator {
    std::string type = "auto";  // auto until detected
    std::string path;           // next_url_path / cursor_path / total_path
    std::string param;          // offset_param / page_param / cursor_param
    std::string limit_param = "limit";
    std::string links_next_key = "next";
    std::string cursor_key = "next";
    std::string has_more_path;
    long long limit = 0;
    long long offset = 0;
    long long page = 0;
    long long base_page = 0;
    std::optional<long long> maximum;  // maximum_offset / maximum_page
    bool stop_after_empty_page = true;
    bool has_total_path = true;

    // Builds from a config value (string, mapping or null = auto); errors name the field.
    static Result<Paginator> FromConfig(const Json& cfg);
    // Adds the first page's parameters (configured paginators only).
    void InitRequest(PageRequest& req) const;
    // Picks a paginator from the first response when type is auto.
    void Detect(const net::ClientResponse& resp, const Json& body);
    // Updates req for the next page; false = the chain is done.
    Result<bool> Advance(const net::ClientResponse& resp, const Json& body, size_t page_rows,
                         PageRequest& req);
};

// RFC 3986 reference resolution of `ref` against `base` (enough for next-page links).
std::string ResolveUrl(const std::string& base, const std::string& ref);

// Splits "http://h/p?a=1&b=2" into the URL without query and decoded pairs.
void SplitUrl(const std::string& full, std::string& url,
              std::vector<std::pair<std::string, std::string>>& query);

}  // namespace oc::pipeline
