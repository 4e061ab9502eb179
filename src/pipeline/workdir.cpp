#include "pipeline/workdir.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/digest.h"
#include "pipeline/package.h"

namespace oc::pipeline {
namespace {

namespace fs = std::filesystem;

Json ColumnJson(const std::string& name, const std::string& type, bool nullable) {
    Json c = Json{{"name", name}, {"data_type", type}, {"nullable", nullable}};
    if (name == "_dlt_id") {
        c["unique"] = true;
        c["row_key"] = true;
    } else if (name == "_dlt_parent_id") {
        c["parent_key"] = true;
    } else if (name == "_dlt_root_id") {
        c["root_key"] = true;
    }
    return c;
}

bool SystemColumn(const std::string& name) {
    return name == "_dlt_id" || name == "_dlt_load_id" || name == "_dlt_parent_id" ||
           name == "_dlt_list_idx" || name == "_dlt_root_id";
}

// dlt's three system tables, as they appear in its stored schema.
Json SystemTables() {
    Json tables = Json::object();
    auto table = [](const char* name, const char* disposition,
                    std::initializer_list<std::pair<const char*, const char*>> cols) {
        Json columns = Json::object();
        for (const auto& [c, t] : cols) columns[c] = ColumnJson(c, t, false);
        return Json{{"name", name},
                    {"columns", columns},
                    {"write_disposition", disposition},
                    {"resource", name}};
    };
    tables["_dlt_version"] = table("_dlt_version", "skip",
                                   {{"version", "bigint"},
                                    {"engine_version", "bigint"},
                                    {"inserted_at", "timestamp"},
                                    {"schema_name", "text"},
                                    {"version_hash", "text"},
                                    {"schema", "text"}});
    tables["_dlt_loads"] = table("_dlt_loads", "skip",
                                 {{"load_id", "text"},
                                  {"schema_name", "text"},
                                  {"status", "bigint"},
                                  {"inserted_at", "timestamp"},
                                  {"schema_version_hash", "text"}});
    tables["_dlt_pipeline_state"] = table("_dlt_pipeline_state", "append",
                                          {{"version", "bigint"},
                                           {"engine_version", "bigint"},
                                           {"pipeline_name", "text"},
                                           {"state", "text"},
                                           {"created_at", "timestamp"},
                                           {"version_hash", "text"},
                                           {"_dlt_load_id", "text"},
                                           {"_dlt_id", "text"}});
    return tables;
}

// Merges this run's tables into the previous schema; bumps version when anything changed.
Json MergeSchema(Json schema, const std::string& name, const LoadInfo& info) {
    if (!schema.is_object()) {
        schema = Json{{"version", 1},
                      {"version_hash", ""},
                      {"engine_version", 11},
                      {"name", name},
                      {"tables", SystemTables()}};
    }
    Json& tables = schema["tables"];
    for (const TableSummary& t : info.tables) {
        Json& entry = tables[t.name];
        if (!entry.is_object()) entry = Json{{"name", t.name}, {"columns", Json::object()}};
        Json& columns = entry["columns"];
        for (const Column& c : t.columns) {
            if (columns.contains(c.name)) continue;
            columns[c.name] =
                ColumnJson(c.name, DltTypeName(c.type), SystemColumn(c.name) ? false : c.nullable);
        }
        if (t.parent.empty()) {
            entry["write_disposition"] = t.write_disposition;
            entry["resource"] = t.resource;
        } else {
            entry["parent"] = t.parent;
        }
        entry["x-normalizer"] = Json{{"seen-data", true}};
    }
    Json hashed = tables;
    std::string hash = Sha3Base64(DumpJson(hashed));
    if (schema.value("version_hash", std::string()) != hash) {
        if (!schema.value("version_hash", std::string()).empty()) {
            schema["previous_hashes"].push_back(schema["version_hash"]);
            schema["version"] = schema.value("version", 1) + 1;
        } else {
            schema["version"] = 2;  // dlt stores version 2 after the first load
        }
        schema["version_hash"] = hash;
    }
    schema["settings"] = Json{
        {"detections", Json::array({"iso_timestamp"})},
        {"default_hints",
         {{"not_null", Json::array({"_dlt_id", "_dlt_root_id", "_dlt_parent_id", "_dlt_list_idx",
                                    "_dlt_load_id"})},
          {"parent_key", Json::array({"_dlt_parent_id"})},
          {"root_key", Json::array({"_dlt_root_id"})},
          {"unique", Json::array({"_dlt_id"})},
          {"row_key", Json::array({"_dlt_id"})}}}};
    schema["normalizers"] = Json{
        {"names", "snake_case"}, {"json", {{"module", "dlt.common.normalizers.json.relational"}}}};
    return schema;
}

Json TraceJson(const PipelineConfig& config, const Result<LoadInfo>& outcome,
               const std::string& started_at) {
    Json trace = Json{{"pipeline_name", config.pipeline_name},
                      {"started_at", started_at},
                      {"finished_at", NowIso()}};
    if (!outcome) {
        trace["status"] = "FAILED";
        trace["error"] = outcome.error().message;
        trace["steps"] = Json::array();
        return trace;
    }
    const LoadInfo& info = *outcome;
    trace["status"] = "COMPLETED";
    trace["elapsed_seconds"] = info.elapsed_seconds;
    Json resources = Json::object();
    for (const auto& [name, n] : info.resource_rows) resources[name] = n;
    Json tables = Json::object();
    for (const auto& [name, n] : info.table_rows) tables[name] = n;
    std::string load_info = FormatLoadInfo(info);
    trace["steps"] = Json::array(
        {Json{{"step", "extract"},
              {"elapsed_seconds", info.extract_seconds},
              {"requests", info.requests},
              {"rows", resources}},
         Json{{"step", "normalize"}, {"elapsed_seconds", info.normalize_seconds}, {"rows", tables}},
         Json{{"step", "load"}, {"elapsed_seconds", info.load_seconds}, {"load_info", load_info}},
         Json{{"step", "run"}, {"elapsed_seconds", info.elapsed_seconds}, {"load_info", load_info}}});
    trace["load_ids"] = info.load_ids;
    return trace;
}

}  // namespace

std::string WorkingDir(const std::string& pipelines_dir, const std::string& name) {
    return (fs::path(pipelines_dir) / name).string();
}

Result<Json> ReadWorkingJson(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kNotFound, path + " does not exist");
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = ParseJson(ss.str());
    if (!doc) return MakeError(ErrorCode::kInternal, path + " is not valid JSON");
    return *doc;
}

Status WriteWorkingJson(const std::string& path, const Json& doc) {
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return MakeError(ErrorCode::kInternal, "cannot write " + path);
        out << doc.dump(2) << "\n";
        if (!out) return MakeError(ErrorCode::kInternal, "cannot write " + path);
    }
    fs::rename(tmp, path, ec);
    if (ec) return MakeError(ErrorCode::kInternal, "cannot write " + path + ": " + ec.message());
    return {};
}

Result<Json> ReadSchema(const std::string& working_dir, const std::string& schema_name) {
    return ReadWorkingJson(
        (fs::path(working_dir) / "schemas" / (schema_name + ".schema.json")).string());
}

Status RecordRun(const std::string& working_dir, const PipelineConfig& config,
                 const DestinationRef& dest, const Result<LoadInfo>& outcome,
                 const std::string& started_at) {
    const fs::path wd(working_dir);
    std::error_code ec;
    fs::create_directories(wd, ec);
    if (ec) return MakeError(ErrorCode::kInternal, "cannot create " + working_dir);
    OC_TRY(WriteWorkingJson((wd / "trace.json").string(), TraceJson(config, outcome, started_at)));
    if (!outcome) return {};
    const LoadInfo& info = *outcome;

    auto prior = ReadWorkingJson((wd / "state.json").string());
    Json state = info.state.is_object() ? info.state : Json::object();
    if (!info.state.is_object()) {
        state = Json{{"_state_version", 0},
                     {"_state_engine_version", 4},
                     {"pipeline_name", config.pipeline_name},
                     {"schema_names", Json::array({config.source_name})},
                     {"dataset_name", config.dataset_name},
                     {"default_schema_name", config.source_name},
                     {"destination_type", "dlt.destinations.duckdb"},
                     {"destination_name", "duckdb"}};
    }
    std::string cwd = fs::current_path(ec).string();
    Json local = Json{{"first_run", false},
                      {"_dev_mode", false},
                      {"initial_cwd", cwd},
                      {"last_run_context", {{"uri", "file://" + cwd}}},
                      {"_last_extracted_at", NowIso()},
                      {"_last_extracted_hash", state.value("_version_hash", std::string())},
                      {"destination_location", dest.location},
                      {"database_path", dest.database_path}};
    if (!dest.data_dir.empty()) {
        local["data_dir"] = dest.data_dir;
        local["database"] = dest.database;
    }
    if (prior && (*prior).contains("_local") && (*prior)["_local"].contains("initial_cwd")) {
        local["initial_cwd"] = (*prior)["_local"]["initial_cwd"];
    }
    state["_local"] = local;
    OC_TRY(WriteWorkingJson((wd / "state.json").string(), state));

    if (!info.tables.empty()) {
        auto old = ReadSchema(working_dir, config.source_name);
        Json schema = MergeSchema(old ? *old : Json(), config.source_name, info);
        OC_TRY(WriteWorkingJson(
            (wd / "schemas" / (config.source_name + ".schema.json")).string(), schema));
    }
    if (!info.load_ids.empty()) {
        std::ofstream loads(wd / "loads.jsonl", std::ios::binary | std::ios::app);
        Json rows = Json::object();
        for (const auto& [t, n] : info.table_rows) rows[t] = n;
        for (const auto& id : info.load_ids) {
            loads << DumpJson(Json{{"load_id", id},
                                   {"schema_name", config.source_name},
                                   {"dataset_name", info.dataset_name},
                                   {"loaded_at", NowIso()},
                                   {"elapsed_seconds", info.elapsed_seconds},
                                   {"rows", rows}})
                  << "\n";
        }
    }
    return {};
}

}  // namespace oc::pipeline
