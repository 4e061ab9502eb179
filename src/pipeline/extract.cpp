#include "pipeline/extract.h"

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "pipeline/digest.h"
#include "pipeline/incremental.h"
#include "pipeline/json_path.h"
#include "pipeline/paginator.h"
#include "pipeline/request_template.h"

namespace oc::pipeline {
namespace {

std::string JoinUrl(const std::string& base, const std::string& path) {
    if (path.rfind("http:", 0) == 0 || path.rfind("https:", 0) == 0 || base.empty()) return path;
    std::string b = base;
    while (!b.empty() && b.back() == '/') b.pop_back();
    size_t start = 0;
    while (start < path.size() && path[start] == '/') ++start;
    return b + "/" + path.substr(start);
}

void ApplyAuth(const AuthConfig& auth, std::vector<std::pair<std::string, std::string>>& headers,
               PageRequest& req) {
    if (auth.type == "bearer") {
        headers.emplace_back("Authorization", "Bearer " + auth.token);
    } else if (auth.type == "api_key") {
        if (auth.location == "query" || auth.location == "param") {
            req.query.emplace_back(auth.name, auth.api_key);
        } else if (auth.location == "cookie") {
            headers.emplace_back("Cookie", auth.name + "=" + auth.api_key);
        } else {
            headers.emplace_back(auth.name, auth.api_key);
        }
    } else if (auth.type == "http_basic") {
        headers.emplace_back("Authorization",
                             "Basic " + Base64(auth.username + ":" + auth.password));
    }
}

bool LastSegmentHasPlaceholder(const std::string& path) {
    std::string last = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
    size_t pos = last.find('{');
    return pos != std::string::npos && (pos + 1 >= last.size() || last[pos + 1] != '{');
}

// Spaces requests evenly to honour client.requests_per_minute.
struct Pacer {
    std::chrono::steady_clock::duration interval{};
    std::chrono::steady_clock::time_point next{};
    void Wait() {
        if (interval.count() == 0) return;
        auto now = std::chrono::steady_clock::now();
        if (next > now) std::this_thread::sleep_for(next - now);
        next = std::max(now, next) + interval;
    }
};

struct ChainInput {
    const PipelineConfig* config;
    const ResourceConfig* res;
    const ExtractOptions* options;
    const Json* parent_row;
    const Json* incremental_values;
    Pacer* pacer;
};

// Renders the first request of a chain and picks paginator/selector (reference §3.1).
Status PrepareChain(const ChainInput& in, PageRequest& req, Paginator& pag,
                    std::optional<std::string>& selector) {
    const EndpointConfig& ep = in.res->endpoint;
    TemplateContext ctx{in.res->parent, in.parent_row, in.incremental_values, &ep.params};
    std::vector<std::string> used;
    OC_ASSIGN_OR_RETURN(std::string path, ExpandTemplate(ep.path, ctx, ep.path, true, &used));
    Json params = ep.params;
    for (const auto& name : used) params.erase(name);
    OC_ASSIGN_OR_RETURN(auto query, RenderParams(params, ctx, "params"));
    SplitUrl(JoinUrl(in.config->client.base_url, path), req.url, req.query);
    for (auto& q : query) req.query.push_back(std::move(q));
    if (ep.incremental && !ep.incremental->start_param.empty() && in.incremental_values) {
        Json start = in.incremental_values->value("start_value", Json());
        if (!start.is_null()) req.query.emplace_back(ep.incremental->start_param, PyStr(start));
    }
    if (ep.incremental && !ep.incremental->end_param.empty() &&
        !ep.incremental->end_value.is_null()) {
        req.query.emplace_back(ep.incremental->end_param, PyStr(ep.incremental->end_value));
    }
    if (!ep.json.is_null()) {
        OC_ASSIGN_OR_RETURN(req.body, ExpandJson(ep.json, ctx, "json"));
    }
    selector = ep.data_selector;
    Json pag_cfg = ep.paginator;
    if (pag_cfg.is_null() && LastSegmentHasPlaceholder(ep.path)) {
        pag_cfg = "single_page";
        if (!selector) selector = "$";
    }
    if (pag_cfg.is_null()) pag_cfg = in.config->client.paginator;
    OC_ASSIGN_OR_RETURN(pag, Paginator::FromConfig(pag_cfg));
    pag.InitRequest(req);
    return {};
}

bool IgnoredByAction(const Json& actions, int status) {
    for (const auto& a : actions) {
        if (a.is_object() && a.value("status_code", 0) == status &&
            a.value("action", "") == "ignore")
            return true;
    }
    return false;
}

Result<net::ClientResponse> SendPage(const ChainInput& in, const PageRequest& req) {
    net::ClientRequest cr;
    cr.method = in.res->endpoint.method;
    cr.url = req.url;
    PageRequest with_auth = req;
    std::vector<std::pair<std::string, std::string>> headers = {
        {"User-Agent", "cortex-pipeline/0.1"}, {"Accept", "*/*"}};
    for (const auto& h : in.config->client.headers) headers.push_back(h);
    for (auto it = in.res->endpoint.headers.begin(); it != in.res->endpoint.headers.end(); ++it) {
        headers.emplace_back(it.key(), PyStr(*it));
    }
    ApplyAuth(in.res->endpoint.auth ? *in.res->endpoint.auth : in.config->client.auth, headers,
              with_auth);
    if (!with_auth.query.empty()) cr.url += "?" + EncodeQuery(with_auth.query);
    if (!req.body.is_null()) {
        cr.body = DumpJson(req.body);
        headers.emplace_back("Content-Type", "application/json");
    }
    cr.headers = std::move(headers);
    cr.max_retries = in.options->max_retries;
    cr.initial_backoff_ms = in.options->initial_backoff_ms;
    cr.total_timeout_ms = in.options->total_timeout_ms;
    in.pacer->Wait();
    auto resp = net::HttpClient::Send(cr);
    if (!resp) {
        return MakeError(resp.error().code, "resource `" + in.res->name + "`: " + cr.method + " " +
                                                req.url + " failed: " + resp.error().message);
    }
    return resp;
}

// Runs one request chain; appends selected records to out.
Status RunChain(const ChainInput& in, std::vector<Json>& out, int& requests) {
    PageRequest req;
    Paginator pag;
    std::optional<std::string> selector;
    OC_TRY(PrepareChain(in, req, pag, selector));
    std::optional<JsonPath> parsed;
    if (selector) {
        OC_ASSIGN_OR_RETURN(JsonPath p, ParseJsonPath(*selector));
        parsed = std::move(p);
    }
    for (int page = 0; page < 1000000; ++page) {
        OC_ASSIGN_OR_RETURN(net::ClientResponse resp, SendPage(in, req));
        ++requests;
        if (resp.status >= 400) {
            if (IgnoredByAction(in.res->endpoint.response_actions, resp.status)) return {};
            return MakeError(ErrorCode::kUnavailable,
                             "resource `" + in.res->name + "`: " + in.res->endpoint.method + " " +
                                 req.url + " returned HTTP " + std::to_string(resp.status));
        }
        Json body;
        if (!resp.body.empty()) {
            auto doc = ParseJson(resp.body);
            if (!doc)
                return MakeError(ErrorCode::kInvalidArgument, "resource `" + in.res->name + "`: " +
                                                                  req.url + " did not return JSON");
            body = std::move(*doc);
        }
        if (!parsed) {
            OC_ASSIGN_OR_RETURN(JsonPath p, ParseJsonPath(DetectDataSelector(body)));
            parsed = std::move(p);
        }
        std::vector<Json> records = SelectRecords(*parsed, body);
        size_t count = records.size();
        for (auto& r : records) out.push_back(std::move(r));
        pag.Detect(resp, body);
        OC_ASSIGN_OR_RETURN(bool more, pag.Advance(resp, body, count, req));
        if (!more) break;
    }
    return {};
}

Status AddParentFields(const ResourceConfig& res, const Json& parent_row, std::vector<Json>& rows,
                       size_t from) {
    for (size_t i = from; i < rows.size(); ++i) {
        if (!rows[i].is_object()) rows[i] = Json{{"value", rows[i]}};
        for (const auto& f : res.include_from_parent) {
            if (!parent_row.contains(f)) {
                return MakeError(ErrorCode::kInvalidArgument,
                                 "resource `" + res.name + "`: include_from_parent field `" + f +
                                     "` is missing in the parent row");
            }
            rows[i]["_" + res.parent + "_" + f] = parent_row[f];
        }
    }
    return {};
}

Result<ExtractOutput> ExtractResources(const PipelineConfig& config, const Json& prior_source_state,
                                       const ExtractOptions& options) {
    ExtractOutput out;
    out.source_state = prior_source_state.is_object() ? prior_source_state : Json::object();
    std::map<std::string, size_t> index;
    Pacer pacer;
    if (config.client.requests_per_minute > 0) {
        pacer.interval = std::chrono::microseconds(60000000 / config.client.requests_per_minute);
    }
    for (const auto& res : config.resources) {
        ExtractedResource er;
        er.config = &res;
        std::optional<IncrementalRun> inc;
        if (res.endpoint.incremental) {
            inc.emplace(*res.endpoint.incremental, res.primary_key,
                        IncrementalState(out.source_state, res.name,
                                         res.endpoint.incremental->cursor_path));
        }
        ChainInput in{&config, &res, &options, nullptr, inc ? &inc->values : nullptr, &pacer};
        std::vector<Json> rows;
        if (res.parent.empty()) {
            OC_TRY(RunChain(in, rows, er.requests));
        } else {
            const auto& parent_rows = out.resources[index.at(res.parent)].rows;
            for (const auto& prow : parent_rows) {
                in.parent_row = &prow;
                size_t from = rows.size();
                OC_TRY(RunChain(in, rows, er.requests));
                OC_TRY(AddParentFields(res, prow, rows, from));
            }
        }
        if (inc) {
            OC_ASSIGN_OR_RETURN(rows, inc->Filter(std::move(rows)));
            if (res.endpoint.incremental->end_value.is_null()) {
                SetIncrementalState(out.source_state, res.name,
                                    res.endpoint.incremental->cursor_path, inc->NewState());
            }
        }
        er.rows = std::move(rows);
        index[res.name] = out.resources.size();
        out.resources.push_back(std::move(er));
    }
    return out;
}

}  // namespace

Result<ExtractOutput> ExtractAll(const PipelineConfig& config, const Json& prior_source_state,
                                 const ExtractOptions& options) {
    try {
        return ExtractResources(config, prior_source_state, options);
    } catch (const nlohmann::json::exception& e) {
        return MakeError(ErrorCode::kInvalidArgument,
                         std::string("unexpected JSON value while extracting: ") + e.what());
    }
}

}  // namespace oc::pipeline
