// Cortex Search services (reference agents-api.md §7): create, list, describe, delete, and the
// methods :query, :suspend, :resume plus our :refresh (manual refresh). Creates build the index
// on the worker thread before answering; USER_DEFINED target lags refresh lazily on :query.
#include "api/search_services.h"

#include "api/list_params.h"
#include "api/path_params.h"
#include "common/text.h"
#include "store/catalog.h"
#include "tools/search/search_registry.h"

namespace oc::api {
namespace {

using tools::search::SearchService;
using tools::search::SearchServiceSpec;

Error ServiceMissing(const ObjectPath& p) {
    return MakeError(ErrorCode::kNotFound, "Cortex Search Service '" + p.database + "." + p.schema + "." +
                                               p.name + "' does not exist or not authorized.");
}

Result<ObjectPath> ResolveSchema(Services& s, const RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_TRY(s.catalog->CheckSchemaExists(p.database, p.schema));
    return p;
}

// The service at the path if the caller may see it; 404 (002003) otherwise.
Result<std::shared_ptr<SearchService>> FindVisible(Services& s, const RequestContext& ctx, const ObjectPath& p) {
    auto service = s.search->Find(p.database, p.schema, p.name);
    if (!service || !CanSee(ctx, service->spec().owner)) return ServiceMissing(p);
    return service;
}

Result<net::HttpResponse> Create(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ResolveSchema(s, ctx));
    OC_ASSIGN_OR_RETURN(store::CreateMode mode, store::ParseCreateMode(ctx.req.Query("createMode")));
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    OC_ASSIGN_OR_RETURN(SearchServiceSpec spec, tools::search::ParseCreateBody(body));
    spec.database_name = p.database;
    spec.schema_name = p.schema;
    spec.owner = ctx.principal.role;
    if (auto existing = s.search->Find(p.database, p.schema, spec.name)) {
        if (mode == store::CreateMode::kOrReplace) {
            OC_TRY(RequireOwner(ctx, existing->spec().owner, "cortex search service " + spec.name));
        }
    }
    const std::string name = spec.name;
    OC_ASSIGN_OR_RETURN(store::CreateOutcome outcome, s.search->Create(std::move(spec), mode));
    if (outcome == store::CreateOutcome::kExisted) {
        return StatusResponse(name + " already exists, statement succeeded.");
    }
    return StatusResponse("Cortex search service " + name + " successfully created.");
}

Result<net::HttpResponse> Get(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ResolveSchema(s, ctx));
    OC_ASSIGN_OR_RETURN(auto service, FindVisible(s, ctx, p));
    return JsonResponse(service->Describe());
}

Result<net::HttpResponse> List(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ResolveSchema(s, ctx));
    OC_ASSIGN_OR_RETURN(ListParams params, ParseListParams(ctx.req));
    std::vector<std::pair<std::string, std::shared_ptr<SearchService>>> visible;
    for (auto& service : s.search->List(p.database, p.schema)) {
        SearchServiceSpec spec = service->spec();
        if (CanSee(ctx, spec.owner)) visible.emplace_back(spec.name, std::move(service));
    }
    return ListResponse(
        ctx.req, params, std::move(visible), [](const auto& v) { return v.first; },
        [](const auto& v) { return v.second->Describe(); });
}

Result<net::HttpResponse> Delete(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ResolveSchema(s, ctx));
    OC_ASSIGN_OR_RETURN(bool if_exists, ParseBoolParam(ctx.req, "ifExists"));
    auto service = FindVisible(s, ctx, p);
    if (!service) {
        if (if_exists) return StatusResponse("Request successfully completed");
        return service.error();
    }
    OC_TRY(RequireOwner(ctx, (*service)->spec().owner, "cortex search service " + p.name));
    OC_TRY(s.search->Drop(p.database, p.schema, p.name));
    return StatusResponse("Request successfully completed");
}

Result<net::HttpResponse> Query(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ResolveSchema(s, ctx));
    OC_ASSIGN_OR_RETURN(auto service, FindVisible(s, ctx, p));
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    OC_ASSIGN_OR_RETURN(Json out, service->Query(body));
    out["request_id"] = ctx.request_id;
    return JsonResponse(out);
}

Result<net::HttpResponse> Refresh(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ResolveSchema(s, ctx));
    OC_ASSIGN_OR_RETURN(auto service, FindVisible(s, ctx, p));
    OC_TRY(RequireOwner(ctx, service->spec().owner, "cortex search service " + p.name));
    OC_ASSIGN_OR_RETURN(tools::search::RefreshStats stats, service->Refresh());
    return StatusResponse("Cortex search service " + p.name + " successfully refreshed: " +
                          std::to_string(stats.added) + " rows indexed, " + std::to_string(stats.removed) +
                          " removed, " + std::to_string(stats.unchanged) + " unchanged.");
}

// :suspend / :resume with ?target=indexing|serving (either case; absent = both) and ?ifExists.
Result<net::HttpResponse> SetState(Services& s, RequestContext& ctx, bool suspend) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ResolveSchema(s, ctx));
    OC_ASSIGN_OR_RETURN(bool if_exists, ParseBoolParam(ctx.req, "ifExists"));
    const std::string target = ToLowerAscii(ctx.req.Query("target"));
    if (!target.empty() && target != "indexing" && target != "serving") {
        return MakeError(ErrorCode::kInvalidArgument,
                         "target must be indexing or serving, got '" + ctx.req.Query("target") + "'");
    }
    auto service = FindVisible(s, ctx, p);
    if (!service) {
        if (if_exists) return StatusResponse("Request successfully completed");
        return service.error();
    }
    OC_TRY(RequireOwner(ctx, (*service)->spec().owner, "cortex search service " + p.name));
    const bool indexing = target.empty() || target == "indexing";
    const bool serving = target.empty() || target == "serving";
    (*service)->SetSuspended(indexing, serving, suspend);
    OC_TRY(s.search->SaveSpec(**service));
    if (!suspend && indexing) (void)(*service)->Refresh();  // a failure shows as indexing_error
    return StatusResponse("Request successfully completed");
}

Result<net::HttpResponse> Suspend(Services& s, RequestContext& ctx) { return SetState(s, ctx, true); }
Result<net::HttpResponse> Resume(Services& s, RequestContext& ctx) { return SetState(s, ctx, false); }

}  // namespace

void RegisterSearchServiceRoutes(ApiRouter& r) {
    Services& s = r.services();
    if (s.search == nullptr) return;  // no registry wired: the paths answer 404
    const std::string base = "/api/v2/databases/{db}/schemas/{schema}/cortex-search-services";
    r.Add("POST", base, Wrap(s, Create));
    r.Add("GET", base, Wrap(s, List));
    r.Add("GET", base + "/{name}", Wrap(s, Get));
    r.Add("DELETE", base + "/{name}", Wrap(s, Delete));
    r.Add("POST", base + "/{name}:query", Wrap(s, Query));
    r.Add("POST", base + "/{name}:refresh", Wrap(s, Refresh));
    r.Add("POST", base + "/{name}:suspend", Wrap(s, Suspend));
    r.Add("POST", base + "/{name}:resume", Wrap(s, Resume));
}

}  // namespace oc::api
