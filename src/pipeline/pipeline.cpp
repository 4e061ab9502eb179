#include "pipeline/pipeline.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "pipeline/digest.h"
#include "pipeline/destination.h"
#include "pipeline/load_duckdb.h"
#include "pipeline/naming.h"
#include "pipeline/normalize.h"
#include "pipeline/package.h"
#include "pipeline/package_flow.h"
#include "pipeline/stream_load.h"
#include "store/duckdb/connection.h"

namespace oc::pipeline {
namespace {

std::string MakeLoadId() {
    using namespace std::chrono;
    double now = duration<double>(system_clock::now().time_since_epoch()).count();
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), now);
    return std::string(buf, res.ptr);
}

std::string DatabasePath(const PipelineConfig& config, const RunOptions& options) {
    std::filesystem::path dir = options.data_dir.empty()
                                    ? std::filesystem::path(options.working_dir)
                                    : std::filesystem::path(options.data_dir) / "databases";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    std::filesystem::path abs =
        std::filesystem::absolute(dir / (config.pipeline_name + ".duckdb"), ec);
    return abs.lexically_normal().string();
}

Json BuildState(const PipelineConfig& config, const Json& prior, const Json& sources) {
    Json state = Json::object();
    int64_t version = prior.is_object() ? prior.value("_state_version", int64_t{0}) + 1 : 1;
    state["_state_version"] = version;
    state["_state_engine_version"] = 4;
    state["pipeline_name"] = config.pipeline_name;
    state["schema_names"] = Json::array({config.source_name});
    state["dataset_name"] = config.dataset_name;
    state["default_schema_name"] = config.source_name;
    state["destination_type"] = "dlt.destinations." + config.destination;
    state["destination_name"] = config.destination;
    if (!sources.empty()) state["sources"] = sources;
    state["_version_hash"] = Sha3Base64(DumpJson(state));
    return state;
}

std::string Seconds(double s) {
    char buf[32];
    double whole = std::floor(s);
    if (s == whole) {
        long n = static_cast<long>(whole);
        return std::to_string(n) + (n == 1 ? " second" : " seconds");
    }
    std::snprintf(buf, sizeof(buf), "%0.2f seconds", s);
    return buf;
}

// Adds a loaded package to the run's load info (load ids, rows and tables for the trace).
void AddLoaded(const LoadedPackage& p, const std::map<std::string, std::string>& resource_of,
               LoadInfo& info) {
    info.load_ids.push_back(p.load_id);
    for (const auto& t : p.tables) {
        if (t.rows == 0) continue;
        info.table_rows[t.table.name] += t.rows;
        if (t.table.columns.empty()) continue;
        bool merged = false;
        for (auto& sum : info.tables) {
            if (sum.name != t.table.name) continue;
            sum.columns = t.table.columns;
            sum.rows += t.rows;
            merged = true;
        }
        if (merged) continue;
        TableSummary sum{t.table.name, t.table.parent,          "",
                         t.table.write_disposition, t.table.columns, t.rows};
        auto it = resource_of.find(t.table.root.empty() ? t.table.name : t.table.root);
        sum.resource = it != resource_of.end() ? it->second : t.table.root;
        info.tables.push_back(std::move(sum));
    }
    if (!p.state.is_null()) info.state = p.state;
}

// Every table of the run appends (nested tables take their root's disposition), so its package
// may be loaded while it is normalized.
bool AllAppend(const PipelineConfig& config) {
    for (const auto& r : config.resources) {
        if (r.selected && r.write_disposition != "append") return false;
    }
    return true;
}

}  // namespace

std::string FormatElapsed(double seconds) {
    long total = static_cast<long>(std::floor(seconds));
    double frac = seconds - static_cast<double>(total);
    long hours = total / 3600, minutes = (total % 3600) / 60;
    double secs = static_cast<double>(total % 60) + frac;
    std::vector<std::string> parts;
    if (hours > 0) parts.push_back(std::to_string(hours) + (hours == 1 ? " hour" : " hours"));
    if (minutes > 0)
        parts.push_back(std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes"));
    if (secs > 0 || parts.empty()) parts.push_back(Seconds(secs));
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) out += i + 1 == parts.size() ? " and " : ", ";
        out += parts[i];
    }
    return out;
}

std::string FormatLoadInfo(const LoadInfo& info) {
    std::string out = "Pipeline " + info.pipeline_name + " load step completed in " +
                      (info.load_ids.empty() ? "---" : FormatElapsed(info.elapsed_seconds)) + "\n";
    out += std::to_string(info.load_ids.size()) + " load package(s) were loaded to destination " +
           info.destination_name + " and into dataset " + info.dataset_name + "\n";
    out += "The " + info.destination_name + " destination used " + info.location +
           " location to store data\n";
    for (const auto& id : info.load_ids) {
        out += "Load package " + id + " is LOADED and contains no failed jobs\n";
    }
    return out;
}

Result<LoadInfo> RunPipeline(const PipelineConfig& config, const RunOptions& options) {
    auto started = std::chrono::steady_clock::now();
    LoadInfo info;
    info.pipeline_name = config.pipeline_name;
    const bool attached = options.connect_data && config.destination == "duckdb";
    if (attached) {
        info.database_path = options.attach_database_path;
    } else if (config.destination == "duckdb") {
        info.database_path = DatabasePath(config, options);
    }
    info.dataset_name = "None";
    std::unique_ptr<Destination> dest;
    if (attached) {
        OC_ASSIGN_OR_RETURN(auto conn, options.connect_data());
        OC_ASSIGN_OR_RETURN(auto duck, DuckDbDestination::OnConnection(
                                           std::move(conn), options.attach_catalog, config.dataset_name));
        dest = std::move(duck);
    } else {
        DestinationOptions opts;
        opts.duckdb_path = info.database_path;
        OC_ASSIGN_OR_RETURN(dest, OpenDestination(config, opts));
    }
    dest->set_replace_strategy(config.replace_strategy);
    info.destination_name = dest->name();
    info.location = attached ? "duckdb:///" + info.database_path : dest->location();
    RunProgress* progress = options.extract.progress;
    if (progress != nullptr) progress->resources_total = static_cast<int>(config.resources.size());
    auto lap = std::chrono::steady_clock::now();
    auto since_lap = [&lap] {
        auto now = std::chrono::steady_clock::now();
        double s = std::chrono::duration<double>(now - lap).count();
        lap = now;
        return s;
    };
    std::map<std::string, std::string> resource_of;
    for (const auto& r : config.resources)
        resource_of[NormalizePath(r.table_name.empty() ? r.name : r.table_name,
                                  MaxIdentifierLength(config.destination))] = r.name;

    // Packages a killed or failed run left behind are finished first (reference §8.2).
    PackageStore store(
        (std::filesystem::path(ResolvePipelinesDir(options.pipelines_dir, options.data_dir)) /
         config.pipeline_name)
            .string());
    OC_TRY(store.Recover());
    for (const auto& id : store.List(kPackageNew)) OC_TRY(NormalizeNewPackage(store, id, *dest));
    for (const auto& id : store.List(kPackageNormalized)) {
        OC_ASSIGN_OR_RETURN(LoadedPackage pending, LoadNormalizedPackage(store, id, *dest));
        AddLoaded(pending, resource_of, info);
        info.dataset_name = config.dataset_name;
    }

    OC_ASSIGN_OR_RETURN(Json prior, dest->LoadState(config.pipeline_name));
    Json prior_sources = Json::object();
    if (prior.is_object() && prior.contains("sources") &&
        prior["sources"].contains(config.source_name)) {
        prior_sources = prior["sources"][config.source_name];
    }
    const std::string load_id = MakeLoadId();
    OC_ASSIGN_OR_RETURN(ExistingSchema existing, dest->ExistingColumns());
    std::unique_ptr<StreamingLoad> stream;
    if (AllAppend(config)) stream = dest->StartStreamingLoad();
    PackageBuilder builder(store, load_id, config, existing, stream.get());
    OC_TRY(builder.Begin());
    const RawPageSink raw_sink = [&builder](const ResourceConfig& r, const RawRecords& rows) {
        return builder.AddRawPage(r, rows);
    };
    OC_ASSIGN_OR_RETURN(
        ExtractSummary summary,
        ExtractStream(
            config, prior_sources, options.extract,
            [&builder](const ResourceConfig& r, std::vector<Json>& rows) {
                return builder.AddPage(r, rows);
            },
            &raw_sink));
    info.extract_seconds = since_lap();
    for (const auto& [name, n] : summary.rows) info.resource_rows[name] = n;
    for (const auto& [name, n] : summary.requests) info.requests += n;
    if (progress != nullptr) progress->step = RunProgress::kNormalize;

    Json sources = Json::object();
    if (!summary.source_state.empty()) sources[config.source_name] = summary.source_state;
    Json prior_all_sources =
        prior.is_object() ? prior.value("sources", Json::object()) : Json::object();
    bool state_changed = prior.is_null() || DumpJson(prior_all_sources) != DumpJson(sources);
    if (info.state.is_null()) info.state = prior;
    if (builder.rows() == 0 && !state_changed) {
        info.normalize_seconds = since_lap();
        info.elapsed_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return info;
    }
    OC_TRY(builder.Finish(state_changed ? BuildState(config, prior, sources) : Json()));
    info.normalize_seconds = since_lap();
    if (progress != nullptr) progress->step = RunProgress::kLoad;
    OC_ASSIGN_OR_RETURN(LoadedPackage loaded, LoadNormalizedPackage(store, load_id, *dest, stream.get()));
    info.load_seconds = since_lap();
    AddLoaded(loaded, resource_of, info);
    info.dataset_name = config.dataset_name;
    info.elapsed_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return info;
}

}  // namespace oc::pipeline
