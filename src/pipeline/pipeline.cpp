#include "pipeline/pipeline.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "pipeline/digest.h"
#include "pipeline/load_duckdb.h"
#include "pipeline/normalize.h"

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
    state["destination_type"] = "dlt.destinations.duckdb";
    state["destination_name"] = "duckdb";
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
    info.database_path = DatabasePath(config, options);
    info.location = "duckdb:///" + info.database_path;
    info.dataset_name = "None";
    OC_ASSIGN_OR_RETURN(auto dest,
                        DuckDbDestination::Open(info.database_path, config.dataset_name));
    OC_ASSIGN_OR_RETURN(Json prior, dest->LoadState(config.pipeline_name));
    Json prior_sources = Json::object();
    if (prior.is_object() && prior.contains("sources") &&
        prior["sources"].contains(config.source_name)) {
        prior_sources = prior["sources"][config.source_name];
    }
    OC_ASSIGN_OR_RETURN(ExtractOutput extracted,
                        ExtractAll(config, prior_sources, options.extract));

    const std::string load_id = MakeLoadId();
    Normalizer normalizer(load_id);
    OC_ASSIGN_OR_RETURN(auto existing, dest->ExistingColumns());
    for (const auto& [table, cols] : existing) {
        for (const auto& [name, type] : cols) normalizer.SeedColumn(table, name, type);
    }
    size_t total_rows = 0;
    for (const auto& r : extracted.resources) {
        if (!r.config->selected) continue;
        normalizer.AddResource(*r.config, r.rows);
        total_rows += r.rows.size();
    }
    Json sources = Json::object();
    if (!extracted.source_state.empty()) sources[config.source_name] = extracted.source_state;
    Json prior_all_sources =
        prior.is_object() ? prior.value("sources", Json::object()) : Json::object();
    bool state_changed = prior.is_null() || DumpJson(prior_all_sources) != DumpJson(sources);
    if (total_rows == 0 && !state_changed) {
        info.elapsed_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return info;
    }
    LoadPackage package;
    package.load_id = load_id;
    package.schema_name = config.source_name;
    package.pipeline_name = config.pipeline_name;
    package.state = state_changed ? BuildState(config, prior, sources) : Json();
    package.tables = &normalizer.tables();
    OC_TRY(dest->Load(package));
    for (const Table& t : normalizer.tables()) {
        if (!t.rows.empty()) info.table_rows[t.name] = t.rows.size();
    }
    info.load_ids.push_back(load_id);
    info.dataset_name = config.dataset_name;
    info.elapsed_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return info;
}

}  // namespace oc::pipeline
