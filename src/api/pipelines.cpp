// POST /api/v2/pipelines/{name}:run and the data-dir pipeline runner (see pipelines.h).
#include "api/pipelines.h"

#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "api/path_params.h"
#include "pipeline/package.h"
#include "pipeline/workdir.h"
#include "store/catalog.h"
#include "store/system_store.h"

namespace oc::api {
namespace {

namespace fs = std::filesystem;

std::mutex& RunMutex() {
    static std::mutex mu;
    return mu;
}

Result<std::string> AttachedPath(store::SystemStore& store, const std::string& database) {
    OC_ASSIGN_OR_RETURN(auto conn, store.ConnectData());
    OC_ASSIGN_OR_RETURN(auto stmt,
                        conn->Prepare("SELECT path FROM duckdb_databases() WHERE database_name = ?"));
    OC_TRY(stmt->Bind(1, database));
    OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
    if (rows->RowCount() == 0) {
        return MakeError(ErrorCode::kInternal, "database " + database + " is not attached");
    }
    return fs::absolute(rows->GetString(0, 0)).lexically_normal().string();
}

Json LoadInfoJson(const pipeline::LoadInfo& info, const std::string& database) {
    Json rows = Json::object();
    for (const auto& [t, n] : info.table_rows) rows[t] = n;
    return Json{{"pipeline_name", info.pipeline_name},
                {"database", database},
                {"dataset_name", info.dataset_name},
                {"destination_name", info.destination_name},
                {"location", info.location},
                {"load_ids", info.load_ids},
                {"table_rows", rows},
                {"elapsed_seconds", info.elapsed_seconds},
                {"load_info", pipeline::FormatLoadInfo(info)}};
}

bool IsLoopbackHost(const std::string& host) {
    return host == "127.0.0.1" || host == "::1" || host == "localhost" ||
           host.rfind("127.", 0) == 0;
}

Result<net::HttpResponse> RunPipelineRoute(Services& s, RequestContext& ctx) {
    auto it = ctx.req.params.find("name");
    const std::string name = it == ctx.req.params.end() ? "" : it->second;
    if (name.empty()) return MakeError(ErrorCode::kInvalidArgument, "pipeline name is required");
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    if (!body.contains("config") || !body["config"].is_object()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "request body must contain an object 'config' (the pipeline document)");
    }
    for (const auto& [key, value] : body.items()) {
        if (key != "config" && key != "secrets") {
            return MakeError(ErrorCode::kInvalidArgument, "unknown field '" + key + "'");
        }
    }
    Json doc = body["config"];
    if (doc.contains("pipeline_name") &&
        (!doc["pipeline_name"].is_string() || doc["pipeline_name"].get<std::string>() != name)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "config pipeline_name does not match the pipeline '" + name + "' of the path");
    }
    doc["pipeline_name"] = name;

    pipeline::SecretSources sources;
    std::error_code ec;
    sources.project_dir = fs::current_path(ec).string();
    if (body.contains("secrets")) {
        if (!IsLoopbackHost(s.options.bind_host)) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "'secrets' are accepted only by a server listening on a loopback "
                             "address; configure them on the server instead");
        }
        const Json& secrets = body["secrets"];
        if (!secrets.is_object()) {
            return MakeError(ErrorCode::kInvalidArgument, "'secrets' must be an object of strings");
        }
        for (const auto& [key, value] : secrets.items()) {
            if (!value.is_string()) {
                return MakeError(ErrorCode::kInvalidArgument,
                                 "'secrets' must be an object of strings (key '" + key + "')");
            }
            sources.env_override.emplace_back(key, value.get<std::string>());
        }
        sources.use_process_env = false;
        sources.project_dir = (fs::path(s.store->data_dir()) / "pipelines" / ".no-project").string();
    }
    OC_ASSIGN_OR_RETURN(pipeline::PipelineConfig config,
                        pipeline::ParsePipelineConfig(doc, "pipeline " + name, sources));
    if (config.destination != "duckdb") {
        return MakeError(ErrorCode::kInvalidArgument,
                         "a server runs pipelines into its own databases: destination must be "
                         "duckdb, not '" + config.destination + "'");
    }
    const std::string database = PipelineDatabaseName(name);
    if (auto db = s.catalog->GetDatabase(database)) {
        if (!CanSee(ctx, db->owner)) {
            return MakeError(ErrorCode::kNotFound,
                             "Database '" + database + "' does not exist or not authorized.");
        }
        OC_TRY(RequireOwner(ctx, db->owner, "database " + database));
    }
    OC_ASSIGN_OR_RETURN(pipeline::LoadInfo info,
                        RunPipelineInDataDir(config, *s.store, *s.catalog, ctx.principal.role, {}));
    return JsonResponse(LoadInfoJson(info, database));
}

}  // namespace

std::string PipelineDatabaseName(const std::string& pipeline_name) {
    std::string out = pipeline_name;
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string DataDirPipelinesDir(const std::string& data_dir) {
    return (fs::path(data_dir) / "pipelines").string();
}

Result<pipeline::LoadInfo> RunPipelineInDataDir(const pipeline::PipelineConfig& config,
                                                store::SystemStore& store, store::Catalog& catalog,
                                                const std::string& owner_role,
                                                pipeline::RunOptions options) {
    std::lock_guard lock(RunMutex());
    const std::string database = PipelineDatabaseName(config.pipeline_name);
    if (!catalog.GetDatabase(database)) {
        store::DatabaseInfo db;
        db.name = database;
        db.owner = owner_role;
        db.comment = "pipeline " + config.pipeline_name;
        OC_TRY(catalog.CreateDatabase(db, store::CreateMode::kIfNotExists));
    }
    OC_ASSIGN_OR_RETURN(std::string path, AttachedPath(store, database));
    options.connect_data = [&store] { return store.ConnectData(); };
    options.attach_catalog = database;
    options.attach_database_path = path;
    options.pipelines_dir = DataDirPipelinesDir(store.data_dir());  // load packages
    const std::string started_at = pipeline::NowIso();
    Result<pipeline::LoadInfo> info = pipeline::RunPipeline(config, options);
    pipeline::DestinationRef ref{"duckdb:///" + path, path, store.data_dir(), database};
    Status recorded = pipeline::RecordRun(
        pipeline::WorkingDir(DataDirPipelinesDir(store.data_dir()), config.pipeline_name), config,
        ref, info, started_at);
    OC_TRY(catalog.Refresh());
    if (!info) return info.error();
    if (!recorded) return recorded.error();
    return info;
}

void WriteServerFile(const std::string& data_dir, const std::string& url) {
    const fs::path path = fs::path(data_dir) / "serve.json";
    std::ofstream out(path.string() + ".tmp", std::ios::binary | std::ios::trunc);
    out << DumpJson(Json{{"url", url}, {"pid", static_cast<int64_t>(getpid())}}) << "\n";
    out.close();
    std::error_code ec;
    fs::rename(path.string() + ".tmp", path, ec);
}

void RemoveServerFile(const std::string& data_dir) {
    const fs::path path = fs::path(data_dir) / "serve.json";
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = ParseJson(ss.str());
    // Only our own file: a second server on the same dir fails to open it and must not remove it.
    if (doc && doc->is_object() && doc->value("pid", int64_t{0}) == getpid()) {
        std::error_code ec;
        fs::remove(path, ec);
    }
}

std::optional<std::string> RunningServerUrl(const std::string& data_dir) {
    std::ifstream in(fs::path(data_dir) / "serve.json");
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = ParseJson(ss.str());
    if (!doc || !doc->is_object() || !(*doc)["url"].is_string()) return std::nullopt;
    int64_t pid = doc->value("pid", int64_t{0});
    if (pid <= 0 || (kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)) return std::nullopt;
    return (*doc)["url"].get<std::string>();
}

void RegisterPipelineRoutes(ApiRouter& r) {
    Services& s = r.services();
    r.Add("POST", "/api/v2/pipelines/{name}:run", Wrap(s, RunPipelineRoute));
}

}  // namespace oc::api
