// REST databases and schemas (reference sql-api.md §3), backed by store::Catalog.
#include "api/databases.h"

#include "api/list_params.h"
#include "api/path_params.h"
#include "common/clock.h"
#include "common/identifier.h"
#include "store/catalog.h"

namespace oc::api {
namespace {

using store::DatabaseInfo;
using store::SchemaInfo;

const char* kDone = "Request successfully completed";

Json DatabaseJson(const DatabaseInfo& d) {
    Json j = Json::object();
    j["name"] = d.name;
    j["kind"] = d.kind;
    j["comment"] = d.comment;
    j["created_on"] = FormatIsoMillis(d.created_on_ms);
    j["is_default"] = false;
    j["is_current"] = false;
    j["origin"] = "";
    j["owner"] = d.owner;
    j["owner_role_type"] = "ROLE";
    j["options"] = d.kind == "TRANSIENT" ? "TRANSIENT" : "";
    j["retention_time"] = d.data_retention_time_in_days;
    j["dropped_on"] = nullptr;
    j["data_retention_time_in_days"] = d.data_retention_time_in_days;
    return j;
}

Json SchemaJson(const SchemaInfo& s, int retention) {
    Json j = Json::object();
    j["name"] = s.name;
    j["database_name"] = s.database_name;
    j["kind"] = s.kind;
    j["comment"] = s.comment;
    j["managed_access"] = s.managed_access;
    j["created_on"] = FormatIsoMillis(s.created_on_ms);
    j["is_default"] = false;
    j["is_current"] = false;
    j["owner"] = s.owner;
    j["owner_role_type"] = "ROLE";
    j["options"] = s.kind == "TRANSIENT" ? "TRANSIENT" : (s.managed_access ? "MANAGED ACCESS" : "");
    j["retention_time"] = retention;
    j["dropped_on"] = nullptr;
    j["data_retention_time_in_days"] = retention;
    return j;
}

// Common body fields of Database and Schema: name (required), kind, comment.
struct CatalogBody {
    std::string name;
    std::string kind = "PERMANENT";
    std::string comment;
    Json body;
};

Result<CatalogBody> ParseCatalogBody(const net::HttpRequest& req) {
    CatalogBody out;
    OC_ASSIGN_OR_RETURN(out.body, ParseJsonBody(req));
    const Json& b = out.body;
    OC_ASSIGN_OR_RETURN(out.name, BodyName(b));
    if (b.contains("kind") && !b["kind"].is_null()) {
        std::string kind = b["kind"].is_string() ? b["kind"].get<std::string>() : "";
        if (kind != "PERMANENT" && kind != "TRANSIENT") {
            return MakeError(ErrorCode::kInvalidArgument, "kind must be PERMANENT or TRANSIENT, got " + b["kind"].dump());
        }
        out.kind = kind;
    }
    if (b.contains("comment") && !b["comment"].is_null()) {
        if (!b["comment"].is_string()) return MakeError(ErrorCode::kInvalidArgument, "comment must be a string");
        out.comment = b["comment"].get<std::string>();
    }
    return out;
}

Result<net::HttpResponse> ListDatabases(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ListParams params, ParseListParams(ctx.req));
    std::vector<DatabaseInfo> visible;
    for (auto& d : s.catalog->ListDatabases()) {
        if (CanSee(ctx, d.owner)) visible.push_back(std::move(d));
    }
    return ListResponse(
        ctx.req, params, std::move(visible), [](const DatabaseInfo& d) { return d.name; }, DatabaseJson);
}

Result<net::HttpResponse> CreateDatabase(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(store::CreateMode mode, store::ParseCreateMode(ctx.req.Query("createMode")));
    OC_ASSIGN_OR_RETURN(CatalogBody body, ParseCatalogBody(ctx.req));
    DatabaseInfo info;
    info.name = body.name;
    info.kind = body.kind;
    info.comment = body.comment;
    info.owner = ctx.principal.role;
    if (body.body.contains("data_retention_time_in_days")) {
        const Json& v = body.body["data_retention_time_in_days"];
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 90) {
            return MakeError(ErrorCode::kInvalidArgument, "data_retention_time_in_days must be 0..90");
        }
        info.data_retention_time_in_days = v.get<int>();
    }
    if (mode == store::CreateMode::kOrReplace) {
        if (auto existing = s.catalog->GetDatabase(info.name)) {
            OC_TRY(RequireOwner(ctx, existing->owner, "database " + info.name));
        }
    }
    OC_TRY(s.catalog->CreateDatabase(info, mode));
    return StatusResponse(kDone);
}

Result<DatabaseInfo> FindDatabase(Services& s, const RequestContext& ctx, const std::string& name) {
    auto db = s.catalog->GetDatabase(name);
    if (!db || !CanSee(ctx, db->owner)) {
        return MakeError(ErrorCode::kNotFound, "Database '" + name + "' does not exist or not authorized.");
    }
    return *db;
}

Result<net::HttpResponse> GetDatabase(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(DatabaseInfo db, FindDatabase(s, ctx, p.database));
    return JsonResponse(DatabaseJson(db));
}

Result<net::HttpResponse> DeleteDatabase(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(bool if_exists, ParseBoolParam(ctx.req, "ifExists"));
    OC_TRY(ParseBoolParam(ctx.req, "restrict"));
    auto db = FindDatabase(s, ctx, p.database);
    if (!db) return if_exists ? StatusResponse(kDone) : Result<net::HttpResponse>(db.error());
    OC_TRY(RequireOwner(ctx, db->owner, "database " + db->name));
    OC_TRY(s.catalog->DropDatabase(p.database, if_exists));
    return StatusResponse(kDone);
}

Result<net::HttpResponse> ListSchemas(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(DatabaseInfo db, FindDatabase(s, ctx, p.database));
    OC_ASSIGN_OR_RETURN(ListParams params, ParseListParams(ctx.req));
    std::vector<SchemaInfo> visible;
    for (auto& sc : s.catalog->ListSchemas(db.name)) {
        if (CanSee(ctx, sc.owner)) visible.push_back(std::move(sc));
    }
    return ListResponse(
        ctx.req, params, std::move(visible), [](const SchemaInfo& x) { return x.name; },
        [&](const SchemaInfo& sc) { return SchemaJson(sc, db.data_retention_time_in_days); });
}

Result<net::HttpResponse> CreateSchema(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(store::CreateMode mode, store::ParseCreateMode(ctx.req.Query("createMode")));
    OC_ASSIGN_OR_RETURN(DatabaseInfo db, FindDatabase(s, ctx, p.database));
    OC_ASSIGN_OR_RETURN(CatalogBody body, ParseCatalogBody(ctx.req));
    SchemaInfo info;
    info.database_name = db.name;
    info.name = body.name;
    info.kind = body.kind;
    info.comment = body.comment;
    info.owner = ctx.principal.role;
    if (body.body.contains("managed_access")) {
        if (!body.body["managed_access"].is_boolean()) {
            return MakeError(ErrorCode::kInvalidArgument, "managed_access must be a boolean");
        }
        info.managed_access = body.body["managed_access"].get<bool>();
    }
    if (mode == store::CreateMode::kOrReplace) {
        if (auto existing = s.catalog->GetSchema(db.name, info.name)) {
            OC_TRY(RequireOwner(ctx, existing->owner, "schema " + info.name));
        }
    }
    OC_TRY(s.catalog->CreateSchema(info, mode));
    return StatusResponse(kDone);
}

Result<net::HttpResponse> GetSchema(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(DatabaseInfo db, FindDatabase(s, ctx, p.database));
    auto sc = s.catalog->GetSchema(db.name, p.schema);
    if (!sc || !CanSee(ctx, sc->owner)) {
        return MakeError(ErrorCode::kNotFound, "Schema '" + db.name + "." + p.schema +
                                                   "' does not exist or not authorized.");
    }
    return JsonResponse(SchemaJson(*sc, db.data_retention_time_in_days));
}

Result<net::HttpResponse> DeleteSchema(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(bool if_exists, ParseBoolParam(ctx.req, "ifExists"));
    OC_TRY(ParseBoolParam(ctx.req, "restrict"));
    OC_ASSIGN_OR_RETURN(DatabaseInfo db, FindDatabase(s, ctx, p.database));
    auto sc = s.catalog->GetSchema(db.name, p.schema);
    if (!sc || !CanSee(ctx, sc->owner)) {
        if (if_exists) return StatusResponse(kDone);
        return MakeError(ErrorCode::kNotFound, "Schema '" + db.name + "." + p.schema +
                                                   "' does not exist or not authorized.");
    }
    OC_TRY(RequireOwner(ctx, sc->owner, "schema " + sc->name));
    OC_TRY(s.catalog->DropSchema(db.name, sc->name, if_exists));
    return StatusResponse(kDone);
}

}  // namespace

void RegisterDatabaseRoutes(ApiRouter& r) {
    Services& s = r.services();
    r.Add("GET", "/api/v2/databases", Wrap(s, ListDatabases), {.blocking = false});
    r.Add("POST", "/api/v2/databases", Wrap(s, CreateDatabase));
    r.Add("GET", "/api/v2/databases/{db}", Wrap(s, GetDatabase), {.blocking = false});
    r.Add("DELETE", "/api/v2/databases/{db}", Wrap(s, DeleteDatabase));
    r.Add("GET", "/api/v2/databases/{db}/schemas", Wrap(s, ListSchemas), {.blocking = false});
    r.Add("POST", "/api/v2/databases/{db}/schemas", Wrap(s, CreateSchema));
    r.Add("GET", "/api/v2/databases/{db}/schemas/{schema}", Wrap(s, GetSchema), {.blocking = false});
    r.Add("DELETE", "/api/v2/databases/{db}/schemas/{schema}", Wrap(s, DeleteSchema));
}

}  // namespace oc::api
