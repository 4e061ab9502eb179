// Stages live as directories in the data dir (store/stage_store.h). Snowflake has no REST upload;
// PUT …/files/{path} with the raw bytes as body is ours (PUT-like), as are GET and DELETE of one
// file. A file path may arrive as one %2F-encoded segment or as several segments.
#include "api/stages.h"

#include <ctime>
#include <memory>
#include <regex>

#include "api/list_params.h"
#include "api/path_params.h"
#include "common/clock.h"
#include "common/identifier.h"
#include "common/text.h"
#include "store/stage_store.h"
#include "store/system_store.h"

namespace oc::api {
namespace {

constexpr const char* kDone = "Request successfully completed";
constexpr int kMaxPathSegments = 8;

using Stages = std::shared_ptr<store::StageStore>;

Json StageJson(const store::StageInfo& st) {
    return Json{{"name", st.name},
                {"kind", st.kind},
                {"url", ""},
                {"comment", st.comment},
                {"created_on", FormatIsoMillis(st.created_on_ms)},
                {"has_credentials", false},
                {"has_encryption_key", false},
                {"owner", st.owner},
                {"owner_role_type", "ROLE"},
                {"directory_table", Json{{"enable", false}, {"auto_refresh", false}}}};
}

Json FileJson(const std::string& stage, const store::StageFileInfo& f) {
    return Json{{"name", ToLowerAscii(stage) + "/" + f.path},
                {"size", std::to_string(f.size)},
                {"md5", f.md5},
                {"last_modified", FormatHttpDate(f.last_modified_ms)}};
}

// The stage at the path, visible to the caller; 404 otherwise.
Result<store::StageInfo> FindStage(Services& s, const store::StageStore& stages,
                                   const RequestContext& ctx, const ObjectPath& p) {
    OC_TRY(s.catalog->CheckSchemaExists(p.database, p.schema));
    auto st = stages.Get(p.database, p.schema, p.name);
    if (!st || !CanSee(ctx, st->owner)) {
        return MakeError(ErrorCode::kNotFound, "Stage '" + p.database + "." + p.schema + "." +
                                                   p.name + "' does not exist or not authorized.");
    }
    return *st;
}

// The file path captured in f1..f8, joined with '/'.
std::string FilePath(const net::HttpRequest& req) {
    std::string path;
    for (int i = 1; i <= kMaxPathSegments; ++i) {
        auto it = req.params.find("f" + std::to_string(i));
        if (it == req.params.end()) break;
        path += (path.empty() ? "" : "/") + it->second;
    }
    return path;
}

Result<net::HttpResponse> List(Services& s, const Stages& stages, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_TRY(s.catalog->CheckSchemaExists(p.database, p.schema));
    OC_ASSIGN_OR_RETURN(ListParams params, ParseListParams(ctx.req));
    std::vector<store::StageInfo> visible;
    for (auto& st : stages->List(p.database, p.schema)) {
        if (CanSee(ctx, st.owner)) visible.push_back(std::move(st));
    }
    return ListResponse(
        ctx.req, params, std::move(visible), [](const store::StageInfo& x) { return x.name; }, StageJson);
}

Result<net::HttpResponse> Create(Services& s, const Stages& stages, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(store::CreateMode mode,
                        store::ParseCreateMode(ctx.req.Query("createMode")));
    OC_TRY(s.catalog->CheckSchemaExists(p.database, p.schema));
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    store::StageInfo info;
    info.database_name = p.database;
    info.schema_name = p.schema;
    OC_ASSIGN_OR_RETURN(info.name, BodyName(body));
    info.owner = ctx.principal.role;
    if (auto k = body.find("kind"); k != body.end() && !k->is_null()) {
        if (!k->is_string() || (*k != "PERMANENT" && *k != "TEMPORARY")) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "kind must be PERMANENT or TEMPORARY, got " + k->dump());
        }
        info.kind = k->get<std::string>();
    }
    if (auto c = body.find("comment"); c != body.end() && !c->is_null()) {
        if (!c->is_string())
            return MakeError(ErrorCode::kInvalidArgument, "comment must be a string");
        info.comment = c->get<std::string>();
    }
    if (auto u = body.find("url");
        u != body.end() && u->is_string() && !u->get<std::string>().empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "url: external stages are not supported; omit url for an internal stage");
    }
    if (mode == store::CreateMode::kOrReplace) {
        if (auto existing = stages->Get(p.database, p.schema, info.name)) {
            OC_TRY(RequireOwner(ctx, existing->owner, "stage " + info.name));
        }
    }
    OC_TRY(stages->Create(info, mode));
    return StatusResponse(kDone);
}

Result<net::HttpResponse> Describe(Services& s, const Stages& stages, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(store::StageInfo st, FindStage(s, *stages, ctx, p));
    return JsonResponse(StageJson(st));
}

Result<net::HttpResponse> Drop(Services& s, const Stages& stages, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(bool if_exists, ParseBoolParam(ctx.req, "ifExists"));
    auto st = FindStage(s, *stages, ctx, p);
    if (!st)
        return if_exists && st.error().code == ErrorCode::kNotFound
                   ? StatusResponse(kDone)
                   : Result<net::HttpResponse>(st.error());
    OC_TRY(RequireOwner(ctx, st->owner, "stage " + st->name));
    OC_TRY(stages->Drop(p.database, p.schema, p.name, if_exists));
    return StatusResponse(kDone);
}

Result<net::HttpResponse> ListFiles(Services& s, const Stages& stages, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(store::StageInfo st, FindStage(s, *stages, ctx, p));
    std::optional<std::regex> pattern;
    if (ctx.req.HasQuery("pattern")) {
        try {
            pattern.emplace(ctx.req.Query("pattern"), std::regex::ECMAScript);
        } catch (const std::regex_error&) {
            return MakeError(
                ErrorCode::kInvalidArgument,
                "pattern is not a valid regular expression: '" + ctx.req.Query("pattern") + "'");
        }
    }
    OC_ASSIGN_OR_RETURN(auto files, stages->ListFiles(p.database, p.schema, st.name));
    Json out = Json::array();
    for (const auto& f : files) {
        Json j = FileJson(st.name, f);
        if (pattern && !std::regex_match(j["name"].get<std::string>(), *pattern)) continue;
        out.push_back(std::move(j));
    }
    return JsonResponse(out);
}

Result<net::HttpResponse> PutFile(Services& s, const Stages& stages, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(store::StageInfo st, FindStage(s, *stages, ctx, p));
    OC_TRY(RequireOwner(ctx, st.owner, "stage " + st.name));
    OC_ASSIGN_OR_RETURN(
        auto info, stages->PutFile(p.database, p.schema, st.name, FilePath(ctx.req), ctx.req.body));
    return JsonResponse(FileJson(st.name, info));
}

Result<net::HttpResponse> GetFile(Services& s, const Stages& stages, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(store::StageInfo st, FindStage(s, *stages, ctx, p));
    OC_ASSIGN_OR_RETURN(std::string bytes,
                        stages->ReadFile(p.database, p.schema, st.name, FilePath(ctx.req)));
    net::HttpResponse resp;
    resp.content_type = "application/octet-stream";
    resp.body = std::move(bytes);
    return resp;
}

Result<net::HttpResponse> DeleteFile(Services& s, const Stages& stages, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_ASSIGN_OR_RETURN(store::StageInfo st, FindStage(s, *stages, ctx, p));
    OC_TRY(RequireOwner(ctx, st.owner, "stage " + st.name));
    OC_TRY(stages->RemoveFile(p.database, p.schema, st.name, FilePath(ctx.req)));
    return StatusResponse(kDone);
}

template <typename F>
Handler Bind(Services& s, const Stages& stages, F f) {
    return Wrap(s, [stages, f](Services& sv, RequestContext& ctx) { return f(sv, stages, ctx); });
}

}  // namespace

Result<std::string> ReadStageFile(Services& s, const RequestContext& ctx,
                                  std::string_view reference) {
    OC_ASSIGN_OR_RETURN(store::StageFileRef ref, store::ParseStageFileRef(reference));
    store::StageStore stages(s.store->data_dir());
    OC_ASSIGN_OR_RETURN(store::StageInfo st,
                        FindStage(s, stages, ctx, {ref.database, ref.schema, ref.stage}));
    return stages.ReadFile(ref);
}

void RegisterStageRoutes(ApiRouter& r) {
    Services& s = r.services();
    if (!s.store) return;
    auto stages = std::make_shared<store::StageStore>(s.store->data_dir());
    if (s.catalog) {
        s.catalog->OnDrop([stages](const std::string& db, const std::string* schema) {
            stages->ForgetDropped(db, schema);
        });
    }
    const std::string base = "/api/v2/databases/{db}/schemas/{schema}/stages";
    r.Add("GET", base, Bind(s, stages, List));
    r.Add("POST", base, Bind(s, stages, Create));
    r.Add("GET", base + "/{name}", Bind(s, stages, Describe));
    r.Add("DELETE", base + "/{name}", Bind(s, stages, Drop));
    r.Add("GET", base + "/{name}/files", Bind(s, stages, ListFiles));
    std::string files = base + "/{name}/files";
    for (int i = 1; i <= kMaxPathSegments; ++i) {
        files += "/{f" + std::to_string(i) + "}";
        r.Add("PUT", files, Bind(s, stages, PutFile));
        r.Add("GET", files, Bind(s, stages, GetFile));
        r.Add("DELETE", files, Bind(s, stages, DeleteFile));
    }
}

}  // namespace oc::api
