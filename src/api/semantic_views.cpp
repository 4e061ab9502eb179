// A view is validated like an Analyst model before it is stored: the YAML must parse (400 naming
// line and key) and resolve against the catalog (400 listing every problem).
#include "api/semantic_views.h"

#include "api/list_params.h"
#include "api/path_params.h"
#include "common/clock.h"
#include "common/identifier.h"
#include "store/catalog.h"
#include "store/duckdb/connection.h"
#include "store/repos/analyst_repo.h"
#include "store/system_store.h"
#include "tools/analyst/model_validator.h"

namespace oc::api {
namespace {

namespace analyst = tools::analyst;

constexpr const char* kDone = "Request successfully completed";

Json ViewJson(const store::SemanticViewRecord& v, bool with_definition) {
    Json j{{"name", v.name},
           {"database_name", v.database_name},
           {"schema_name", v.schema_name},
           {"comment", v.comment},
           {"owner", v.owner},
           {"owner_role_type", "ROLE"},
           {"created_on", FormatIsoMillis(v.created_on_ms)}};
    if (with_definition) j["semantic_model"] = v.definition;
    return j;
}

Result<store::SemanticViewRecord> FindView(Services& s, const RequestContext& ctx,
                                           const ObjectPath& p) {
    OC_TRY(s.catalog->CheckSchemaExists(p.database, p.schema));
    store::AnalystRepo repo(*s.store);
    OC_ASSIGN_OR_RETURN(auto view, repo.GetView(p.database, p.schema, p.name));
    if (!view || !CanSee(ctx, view->owner)) {
        return MakeError(ErrorCode::kNotFound, "Semantic view '" + p.database + "." + p.schema +
                                                   "." + p.name +
                                                   "' does not exist or not authorized.");
    }
    return *view;
}

// The model YAML of a create body: semantic_model (or yaml), a string.
Result<std::string> DefinitionOf(const Json& body) {
    for (const char* key : {"semantic_model", "yaml"}) {
        auto it = body.find(key);
        if (it == body.end() || it->is_null()) continue;
        if (!it->is_string())
            return MakeError(ErrorCode::kInvalidArgument, std::string(key) + " must be a string");
        return it->get<std::string>();
    }
    return MakeError(ErrorCode::kInvalidArgument,
                     "semantic_model is required: the semantic model YAML as a string");
}

Result<net::HttpResponse> Create(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(store::CreateMode mode,
                        store::ParseCreateMode(ctx.req.Query("createMode")));
    OC_TRY(s.catalog->CheckSchemaExists(p.database, p.schema));
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    store::SemanticViewRecord view;
    view.database_name = p.database;
    view.schema_name = p.schema;
    OC_ASSIGN_OR_RETURN(view.name, BodyName(body));
    OC_ASSIGN_OR_RETURN(view.definition, DefinitionOf(body));
    if (auto c = body.find("comment"); c != body.end() && c->is_string())
        view.comment = c->get<std::string>();
    view.owner = ctx.principal.role;
    OC_ASSIGN_OR_RETURN(analyst::ParsedModel parsed, analyst::ParseSemanticModel(view.definition));
    OC_ASSIGN_OR_RETURN(auto conn, s.store->ConnectData());
    std::vector<analyst::ModelIssue> warnings;
    OC_TRY(analyst::ValidateModel(parsed.model, *conn, &warnings));
    store::AnalystRepo repo(*s.store);
    if (mode == store::CreateMode::kOrReplace) {
        OC_ASSIGN_OR_RETURN(auto existing,
                            repo.GetView(view.database_name, view.schema_name, view.name));
        if (existing) OC_TRY(RequireOwner(ctx, existing->owner, "semantic view " + view.name));
    }
    OC_TRY(repo.CreateView(std::move(view), mode));
    return StatusResponse(kDone);
}

Result<net::HttpResponse> List(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_TRY(s.catalog->CheckSchemaExists(p.database, p.schema));
    OC_ASSIGN_OR_RETURN(ListParams params, ParseListParams(ctx.req));
    store::AnalystRepo repo(*s.store);
    OC_ASSIGN_OR_RETURN(auto all, repo.ListViews(p.database, p.schema));
    std::vector<store::SemanticViewRecord> visible;
    for (auto& v : all) {
        if (CanSee(ctx, v.owner)) visible.push_back(std::move(v));
    }
    return ListResponse(
        ctx.req, params, std::move(visible), [](const auto& v) { return v.name; },
        [](const store::SemanticViewRecord& v) { return ViewJson(v, false); });
}

Result<net::HttpResponse> Describe(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(auto view, FindView(s, ctx, p));
    return JsonResponse(ViewJson(view, true));
}

Result<net::HttpResponse> Drop(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(bool if_exists, ParseBoolParam(ctx.req, "ifExists"));
    auto view = FindView(s, ctx, p);
    if (!view) {
        return if_exists && view.error().code == ErrorCode::kNotFound
                   ? StatusResponse(kDone)
                   : Result<net::HttpResponse>(view.error());
    }
    OC_TRY(RequireOwner(ctx, view->owner, "semantic view " + view->name));
    store::AnalystRepo repo(*s.store);
    OC_TRY(repo.DeleteView(p.database, p.schema, p.name));
    return StatusResponse(kDone);
}

}  // namespace

Result<std::string> ReadSemanticView(Services& s, const RequestContext& ctx,
                                     std::string_view qualified_name) {
    auto parts = ParseQualifiedName(qualified_name);
    if (!parts || parts->size() != 3) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "semantic_view must be a fully qualified name DB.SCHEMA.VIEW, got '" +
                             std::string(qualified_name) + "'");
    }
    OC_ASSIGN_OR_RETURN(auto view, FindView(s, ctx, {(*parts)[0], (*parts)[1], (*parts)[2]}));
    return view.definition;
}

void RegisterSemanticViewRoutes(ApiRouter& r) {
    Services& s = r.services();
    if (s.catalog && s.store) {
        store::SystemStore* system = s.store;
        s.catalog->OnDrop([system](const std::string& db, const std::string* schema) {
            (void)store::AnalystRepo(*system).ForgetDropped(db, schema);
        });
    }
    const std::string base = "/api/v2/databases/{db}/schemas/{schema}/semantic-views";
    r.Add("GET", base, Wrap(s, List));
    r.Add("POST", base, Wrap(s, Create));
    r.Add("GET", base + "/{name}", Wrap(s, Describe));
    r.Add("DELETE", base + "/{name}", Wrap(s, Drop));
}

}  // namespace oc::api
