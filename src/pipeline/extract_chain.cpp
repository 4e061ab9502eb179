#include "pipeline/extract_chain.h"

#include "pipeline/request_template.h"

namespace oc::pipeline {
namespace {

constexpr int kMaxPagesPerChain = 1000000;

std::string JoinUrl(const std::string& base, const std::string& path) {
    if (path.rfind("http:", 0) == 0 || path.rfind("https:", 0) == 0 || base.empty()) return path;
    std::string b = base;
    while (!b.empty() && b.back() == '/') b.pop_back();
    size_t start = 0;
    while (start < path.size() && path[start] == '/') ++start;
    return b + "/" + path.substr(start);
}

bool LastSegmentHasPlaceholder(const std::string& path) {
    std::string last = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
    size_t pos = last.find('{');
    return pos != std::string::npos && (pos + 1 >= last.size() || last[pos + 1] != '{');
}

// Renders the first request of a chain and picks paginator/selector (reference §3.1).
Status Prepare(const ChainEnv& env, const ResourceConfig& res, ChainState& chain) {
    const EndpointConfig& ep = res.endpoint;
    TemplateContext ctx{res.parent, chain.parent_row.get(), env.incremental_values, &ep.params};
    std::vector<std::string> used;
    OC_ASSIGN_OR_RETURN(std::string path, ExpandTemplate(ep.path, ctx, ep.path, true, &used));
    Json params = ep.params;
    for (const auto& name : used) params.erase(name);
    OC_ASSIGN_OR_RETURN(auto query, RenderParams(params, ctx, "params"));
    PageRequest& req = chain.req;
    SplitUrl(JoinUrl(env.config->client.base_url, path), req.url, req.query);
    for (auto& q : query) req.query.push_back(std::move(q));
    if (ep.incremental && !ep.incremental->start_param.empty() && env.incremental_values) {
        Json start = env.incremental_values->value("start_value", Json());
        if (!start.is_null()) req.query.emplace_back(ep.incremental->start_param, PyStr(start));
    }
    if (ep.incremental && !ep.incremental->end_param.empty() &&
        !ep.incremental->end_value.is_null()) {
        req.query.emplace_back(ep.incremental->end_param, PyStr(ep.incremental->end_value));
    }
    if (!ep.json.is_null()) {
        OC_ASSIGN_OR_RETURN(req.body, ExpandJson(ep.json, ctx, "json"));
    }
    if (ep.data.is_object()) {
        OC_ASSIGN_OR_RETURN(auto form, RenderParams(ep.data, ctx, "data"));
        chain.raw_body = EncodeQuery(form);
        chain.content_type = "application/x-www-form-urlencoded";
    } else if (ep.data.is_string()) {
        OC_ASSIGN_OR_RETURN(chain.raw_body,
                            ExpandTemplate(ep.data.get<std::string>(), ctx, "data", false));
    }
    // Endpoint headers are placeholder-expanded (client headers are sent verbatim, §1.1).
    for (auto it = ep.headers.begin(); it != ep.headers.end(); ++it) {
        if (it->is_string()) {
            OC_ASSIGN_OR_RETURN(std::string v,
                                ExpandTemplate(it->get<std::string>(), ctx, "headers", false));
            chain.headers.emplace_back(it.key(), std::move(v));
        } else {
            chain.headers.emplace_back(it.key(), PyStr(*it));
        }
    }
    std::optional<std::string> selector = ep.data_selector;
    Json pag_cfg = ep.paginator;
    if (pag_cfg.is_null() && LastSegmentHasPlaceholder(ep.path)) {
        pag_cfg = "single_page";
        if (!selector) selector = "$";
    }
    if (pag_cfg.is_null()) pag_cfg = env.config->client.paginator;
    OC_ASSIGN_OR_RETURN(chain.pag, Paginator::FromConfig(pag_cfg));
    chain.raw_ok = DumpJson(pag_cfg).find('[') == std::string::npos;
    chain.pag.InitRequest(req);
    if (selector) {
        OC_ASSIGN_OR_RETURN(JsonPath p, ParseJsonPath(*selector));
        chain.selector = std::move(p);
    }
    chain.prepared = true;
    return {};
}

}  // namespace

Result<FetchedPage> FetchNextPage(const ChainEnv& env, ChainState& chain) {
    const ResourceConfig& res = env.config->resources[chain.resource];
    const std::string who = "resource `" + res.name + "`";
    if (!chain.prepared) {
        if (auto st = Prepare(env, res, chain); !st)
            return MakeError(st.error().code, who + ": " + st.error().message);
    }
    HttpCall call;
    call.method = res.endpoint.method;
    call.url = chain.req.url;
    call.query = chain.req.query;
    call.body = chain.req.body;
    call.headers = {{"User-Agent", "cortex-pipeline/0.1"}, {"Accept", "*/*"}};
    for (const auto& h : env.config->client.headers) call.headers.push_back(h);
    for (const auto& h : chain.headers) call.headers.push_back(h);
    call.raw_body = chain.raw_body;
    call.content_type = chain.content_type;
    OC_ASSIGN_OR_RETURN(FetchResult fetched,
                        FetchWithRetries(env.fetch, call, res.endpoint.actions, who));
    ++chain.pages;
    FetchedPage page;
    if (fetched.ignored) return page;  // ends the chain (reference §6.1)
    const net::ClientResponse& resp = fetched.response;
    Json body;
    if (!resp.body.empty() && chain.raw_ok && env.raw_pages) {
        page.raw = ParseRawPage(resp.body, chain.selector, &body);
        chain.raw_ok = page.raw != nullptr;  // one miss: the rest of the chain as before
    }
    if (!page.raw) {
        if (!resp.body.empty()) {
            auto doc = ParseJson(resp.body);
            if (!doc) {
                return MakeError(ErrorCode::kInvalidArgument,
                                 who + ": " + chain.req.url + " did not return JSON");
            }
            body = std::move(*doc);
        }
        if (!chain.selector) {
            OC_ASSIGN_OR_RETURN(JsonPath p, ParseJsonPath(DetectDataSelector(body)));
            chain.selector = std::move(p);
        }
        page.rows = SelectRecords(*chain.selector, body);
    }
    const size_t n_rows = page.raw ? RawCount(*page.raw) : page.rows.size();
    chain.pag.Detect(resp, body);
    auto more = chain.pag.Advance(resp, body, n_rows, chain.req);
    if (!more) return MakeError(more.error().code, who + ": " + more.error().message);
    page.last = !*more || chain.pages >= kMaxPagesPerChain;
    return page;
}

}  // namespace oc::pipeline
